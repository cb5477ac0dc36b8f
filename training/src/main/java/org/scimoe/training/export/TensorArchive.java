package org.scimoe.training.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.scimoe.ScimoeException;
import org.scimoe.training.onnx.FloatTensor;

/**
 * Named float tensors in one compact file, for trained weights that are committed to the repository
 * (only what training changed: experts, router, gate; the base encoder comes from Maven).
 *
 * <p>Format (gzip-compressed): the magic {@code SCIMOE-TENSORS/1\n}, a 4-byte big-endian length, a
 * UTF-8 JSON header {@code {"dtype": "float16"|"float32", "tensors": [{"name", "shape"}...]}}, then
 * each tensor's values in header order, little-endian, row-major.
 */
public final class TensorArchive {
    private static final String MAGIC = "SCIMOE-TENSORS/1\n";
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum DType { FLOAT16, FLOAT32 }

    private TensorArchive() {}

    public static void write(Path file, Map<String, FloatTensor> tensors, DType dtype) {
        ObjectNode header = JSON.createObjectNode().put("dtype", dtype.name().toLowerCase());
        ArrayNode list = header.putArray("tensors");
        tensors.forEach((name, t) -> {
            ArrayNode shape = list.addObject().put("name", name).putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
        });
        try (OutputStream raw = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(new GZIPOutputStream(raw, 1 << 16))) {
            out.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
            byte[] json = JSON.writeValueAsBytes(header);
            out.writeInt(json.length);
            out.write(json);
            for (FloatTensor t : tensors.values()) {
                int width = dtype == DType.FLOAT16 ? 2 : 4;
                ByteBuffer buffer = ByteBuffer.allocate(t.values().length * width).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : t.values()) {
                    if (dtype == DType.FLOAT16) {
                        buffer.putShort(Float.floatToFloat16(v));
                    } else {
                        buffer.putFloat(v);
                    }
                }
                out.write(buffer.array());
            }
        } catch (IOException e) {
            throw new ScimoeException("cannot write tensors to " + file + ": " + e.getMessage(), e);
        }
    }

    public static Map<String, FloatTensor> read(Path file) {
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
            byte[] magic = in.readNBytes(MAGIC.length());
            if (!MAGIC.equals(new String(magic, StandardCharsets.US_ASCII))) {
                throw new ScimoeException(file + ": not a SciMoE tensor archive");
            }
            int length = in.readInt();
            JsonNode header = JSON.readTree(in.readNBytes(length));
            DType dtype = DType.valueOf(header.path("dtype").asText().toUpperCase());
            Map<String, FloatTensor> tensors = new LinkedHashMap<>();
            for (JsonNode entry : header.path("tensors")) {
                long[] shape = new long[entry.path("shape").size()];
                long size = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = entry.path("shape").get(i).asLong();
                    size *= shape[i];
                }
                int width = dtype == DType.FLOAT16 ? 2 : 4;
                byte[] bytes = in.readNBytes(Math.toIntExact(size * width));
                if (bytes.length != size * width) {
                    throw new ScimoeException(file + ": truncated at tensor '" + entry.path("name").asText() + "'");
                }
                ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                float[] values = new float[(int) size];
                for (int i = 0; i < values.length; i++) {
                    values[i] = dtype == DType.FLOAT16 ? Float.float16ToFloat(buffer.getShort()) : buffer.getFloat();
                }
                tensors.put(entry.path("name").asText(), new FloatTensor(shape, values));
            }
            return tensors;
        } catch (IOException e) {
            throw new ScimoeException("cannot read tensors from " + file + ": " + e.getMessage(), e);
        }
    }
}

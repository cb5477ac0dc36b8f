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
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.scimoe.ScimoeException;
import org.scimoe.training.onnx.FloatTensor;

/**
 * Named float tensors in one compact file, for trained weights that are committed to the repository
 * (only what training changed: experts, router, gate, fine-tuned encoder weights; the base encoder
 * itself comes from Maven).
 *
 * <p>Format (gzip-compressed): the magic {@code SCIMOE-TENSORS/1\n}, a 4-byte big-endian length, a
 * UTF-8 JSON header {@code {"dtype", "tensors": [{"name", "shape", "encoding"?, "reference"?, "scale"?}...]}},
 * then each tensor's data in header order, little-endian, row-major. Encodings: {@code float32},
 * {@code float16}, and {@code delta-int8}: the tensor minus a reference tensor of the base graph
 * (named by {@code reference}), as int8 times {@code scale}. Fine-tuning moves weights by ~1e-3, so
 * the int8 delta keeps them to ~1e-5 — as exact as fp16 weights, at half the size.
 */
public final class TensorArchive {
    private static final String MAGIC = "SCIMOE-TENSORS/1\n";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** FLOAT16 / FLOAT32 store values; DELTA_INT8 stores int8 deltas to the base where a reference is known, else fp16. */
    public enum DType { FLOAT16, FLOAT32, DELTA_INT8 }

    private TensorArchive() {}

    public static void write(Path file, Map<String, FloatTensor> tensors, DType dtype) {
        write(file, tensors, dtype, Map.of(), name -> null);
    }

    /**
     * @param references for DELTA_INT8: tensor name → name of the base tensor it was trained from
     * @param base       base tensors by name
     */
    public static void write(Path file, Map<String, FloatTensor> tensors, DType dtype, Map<String, String> references,
                             Function<String, FloatTensor> base) {
        ObjectNode header = JSON.createObjectNode().put("dtype", dtype.name().toLowerCase());
        ArrayNode list = header.putArray("tensors");
        Map<String, byte[]> payloads = new LinkedHashMap<>();
        tensors.forEach((name, t) -> {
            ObjectNode entry = list.addObject().put("name", name);
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            String reference = dtype == DType.DELTA_INT8 ? references.get(name) : null;
            if (reference != null) {
                FloatTensor ref = base.apply(reference);
                if (ref == null || ref.values().length != t.values().length) {
                    throw new ScimoeException("tensor '" + name + "': reference '" + reference + "' is missing or has another shape");
                }
                float max = 0;
                for (int i = 0; i < t.values().length; i++) {
                    max = Math.max(max, Math.abs(t.values()[i] - ref.values()[i]));
                }
                float scale = max == 0 ? 1f : max / 127f;
                byte[] bytes = new byte[t.values().length];
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) Math.round((t.values()[i] - ref.values()[i]) / scale);
                }
                entry.put("encoding", "delta-int8").put("reference", reference).put("scale", scale);
                payloads.put(name, bytes);
            } else {
                boolean half = dtype != DType.FLOAT32;
                entry.put("encoding", half ? "float16" : "float32");
                ByteBuffer buffer = ByteBuffer.allocate(t.values().length * (half ? 2 : 4)).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : t.values()) {
                    if (half) {
                        buffer.putShort(Float.floatToFloat16(v));
                    } else {
                        buffer.putFloat(v);
                    }
                }
                payloads.put(name, buffer.array());
            }
        });
        try (OutputStream raw = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(new GZIPOutputStream(raw, 1 << 16))) {
            out.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
            byte[] json = JSON.writeValueAsBytes(header);
            out.writeInt(json.length);
            out.write(json);
            for (byte[] p : payloads.values()) {
                out.write(p);
            }
        } catch (IOException e) {
            throw new ScimoeException("cannot write tensors to " + file + ": " + e.getMessage(), e);
        }
    }

    public static Map<String, FloatTensor> read(Path file) {
        return read(file, reference -> {
            throw new ScimoeException(file + ": tensor stored as a delta to '" + reference + "', but no base graph was given");
        });
    }

    /** @param base base tensors by name, for delta-encoded tensors */
    public static Map<String, FloatTensor> read(Path file, Function<String, FloatTensor> base) {
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
            byte[] magic = in.readNBytes(MAGIC.length());
            if (!MAGIC.equals(new String(magic, StandardCharsets.US_ASCII))) {
                throw new ScimoeException(file + ": not a SciMoE tensor archive");
            }
            int length = in.readInt();
            JsonNode header = JSON.readTree(in.readNBytes(length));
            String defaultEncoding = header.path("dtype").asText().equalsIgnoreCase("float32") ? "float32" : "float16";
            Map<String, FloatTensor> tensors = new LinkedHashMap<>();
            for (JsonNode entry : header.path("tensors")) {
                String name = entry.path("name").asText();
                long[] shape = new long[entry.path("shape").size()];
                long size = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = entry.path("shape").get(i).asLong();
                    size *= shape[i];
                }
                String encoding = entry.path("encoding").asText(defaultEncoding);
                int width = switch (encoding) {
                    case "float32" -> 4;
                    case "float16" -> 2;
                    case "delta-int8" -> 1;
                    default -> throw new ScimoeException(file + ": tensor '" + name + "' has unknown encoding '" + encoding + "'");
                };
                byte[] bytes = in.readNBytes(Math.toIntExact(size * width));
                if (bytes.length != size * width) {
                    throw new ScimoeException(file + ": truncated at tensor '" + name + "'");
                }
                float[] values = new float[(int) size];
                ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                if (encoding.equals("delta-int8")) {
                    FloatTensor ref = base.apply(entry.path("reference").asText());
                    if (ref == null || ref.values().length != size) {
                        throw new ScimoeException(file + ": tensor '" + name + "': base tensor '" + entry.path("reference").asText()
                                + "' is missing or has another shape");
                    }
                    float scale = (float) entry.path("scale").asDouble();
                    for (int i = 0; i < values.length; i++) {
                        values[i] = ref.values()[i] + bytes[i] * scale;
                    }
                } else {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = width == 2 ? Float.float16ToFloat(buffer.getShort()) : buffer.getFloat();
                    }
                }
                tensors.put(name, new FloatTensor(shape, values));
            }
            return tensors;
        } catch (IOException e) {
            throw new ScimoeException("cannot read tensors from " + file + ": " + e.getMessage(), e);
        }
    }
}

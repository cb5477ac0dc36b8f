package org.scimoe.training.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.scimoe.ScimoeException;
import org.scimoe.training.model.ParameterStore;
import org.scimoe.training.onnx.FloatTensor;

/**
 * Named float tensors in one file: a model's trainable parameters and, when a trainer saves it, the
 * optimizer's moments (names starting {@value #OPTIMIZER_PREFIX}) and its update count, so a run can
 * resume. Frozen parameters are not stored: they are the base bundle's, which the model is rebuilt
 * from. Format: "SCIMOE-CKPT", version, updates, count, then per tensor its name, rank, dims and
 * float32 values (little-endian). Written to a temporary file and moved, so a crash never leaves
 * half a checkpoint.
 */
public final class Checkpoint {
    static final String OPTIMIZER_PREFIX = "optimizer/";
    private static final String MAGIC = "SCIMOE-CKPT";
    private static final int VERSION = 1;

    /** What a file holds: the update count it was saved at, and its tensors by name. */
    record Contents(int updates, Map<String, FloatTensor> tensors) {}

    private Checkpoint() {}

    /** The model's trainable parameters alone (update count 0). */
    public static void save(ParameterStore params, Path file) {
        write(file, 0, trainable(params));
    }

    /** Loads a checkpoint's parameters into a model built with the same spec; returns how many it set. */
    public static int load(ParameterStore params, Path file) {
        return setParameters(params, read(file), file);
    }

    static Map<String, FloatTensor> trainable(ParameterStore params) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        params.trainable().forEach(p -> out.put(p.name(), params.value(p.name())));
        return out;
    }

    static int setParameters(ParameterStore params, Contents contents, Path file) {
        int set = 0;
        for (var e : contents.tensors().entrySet()) {
            if (e.getKey().startsWith(OPTIMIZER_PREFIX)) {
                continue;
            }
            if (!params.has(e.getKey())) {
                throw new ScimoeException("checkpoint " + file + " holds '" + e.getKey() + "', which this model does not have: was it built with another spec?");
            }
            params.setValue(e.getKey(), e.getValue());
            set++;
        }
        return set;
    }

    static void write(Path file, int updates, Map<String, FloatTensor> tensors) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
                out.writeUTF(MAGIC);
                out.writeInt(VERSION);
                out.writeInt(updates);
                out.writeInt(tensors.size());
                for (var e : tensors.entrySet()) {
                    FloatTensor value = e.getValue();
                    out.writeUTF(e.getKey());
                    out.writeInt(value.rank());
                    for (long d : value.shape()) {
                        out.writeLong(d);
                    }
                    ByteBuffer bytes = ByteBuffer.allocate(value.values().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    bytes.asFloatBuffer().put(value.values());
                    out.write(bytes.array());
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ScimoeException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    static Contents read(Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            if (!MAGIC.equals(in.readUTF()) || in.readInt() != VERSION) {
                throw new ScimoeException(file + " is not a SciMoE checkpoint (version " + VERSION + ")");
            }
            int updates = in.readInt();
            int count = in.readInt();
            Map<String, FloatTensor> tensors = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                long[] shape = new long[in.readInt()];
                long size = 1;
                for (int k = 0; k < shape.length; k++) {
                    shape[k] = in.readLong();
                    size *= shape[k];
                }
                byte[] bytes = new byte[Math.toIntExact(size * Float.BYTES)];
                in.readFully(bytes);
                float[] values = new float[(int) size];
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                tensors.put(name, new FloatTensor(shape, values));
            }
            return new Contents(updates, tensors);
        } catch (IOException e) {
            throw new ScimoeException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }
}

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
import org.scimoe.ScimoeException;
import org.scimoe.training.model.ParameterStore;
import org.scimoe.training.onnx.FloatTensor;

/**
 * The trainable parameters of a model in one file, to resume or export later. Frozen parameters are
 * not stored: they are the base bundle's, which the model is rebuilt from. Format: "SCIMOE-CKPT",
 * version, count, then per parameter its name, rank, dims and float32 values (little-endian).
 * Written to a temporary file and moved, so a crash never leaves half a checkpoint.
 */
public final class Checkpoint {
    private static final String MAGIC = "SCIMOE-CKPT";
    private static final int VERSION = 1;

    private Checkpoint() {}

    public static void save(ParameterStore params, Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
                out.writeUTF(MAGIC);
                out.writeInt(VERSION);
                var trainable = params.trainable();
                out.writeInt(trainable.size());
                for (var p : trainable) {
                    FloatTensor value = params.value(p.name());
                    out.writeUTF(p.name());
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

    /** Loads a checkpoint into a model built with the same spec; every stored parameter must exist with the same shape. */
    public static int load(ParameterStore params, Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            if (!MAGIC.equals(in.readUTF()) || in.readInt() != VERSION) {
                throw new ScimoeException(file + " is not a SciMoE checkpoint (version " + VERSION + ")");
            }
            int count = in.readInt();
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
                if (!params.has(name)) {
                    throw new ScimoeException("checkpoint " + file + " holds '" + name + "', which this model does not have: was it built with another spec?");
                }
                params.setValue(name, new FloatTensor(shape, values));
            }
            return count;
        } catch (IOException e) {
            throw new ScimoeException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }
}

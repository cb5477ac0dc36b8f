package org.scimoe.training.train;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.scimoe.ScimoeException;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.Role;
import org.scimoe.training.model.BatchTokenizer;
import org.scimoe.training.model.LengthBatches;
import org.scimoe.training.model.MoeEncoder;

/**
 * Mean-pooled vectors of a frozen encoder, computed once: with the encoder frozen only the SB-MoE
 * block trains, and each step costs the block alone (milliseconds) instead of a BERT forward.
 */
public final class PooledCache {
    private PooledCache() {}

    /**
     * Un-normalised mean-pooled vectors from ONNX Runtime through the engine, at the bundle's own token
     * limit: exactly what the served SB-MoE block receives (training on 64-token vectors and serving
     * 256-token ones would train the block on another distribution), and faster than the training
     * framework's forward pass. {@code progress} is told the count done after each chunk.
     */
    public static float[][] poolWithEngine(ModelBundle base, List<String> texts, Role role, EncoderOptions options,
                                           java.util.function.IntConsumer progress) {
        BundleManifest m = base.manifest();
        BundleManifest raw = new BundleManifest(m.format(), m.name(), m.version(), m.description(), m.baseModel(), m.modelFile(),
                m.tokenizerFile(), m.modelSha256(), m.precision(), m.dimensions(), m.pooling(), false, m.maxTokens(), m.queryPrefix(),
                m.documentPrefix(), m.inputs(), m.output(), m.routing(), m.training());
        float[][] out = new float[texts.size()][];
        try (OnnxEncoder encoder = OnnxEncoder.load(new ModelBundle(base.directory(), raw), options)) {
            int chunk = 512;
            for (int from = 0; from < texts.size(); from += chunk) {
                List<EmbedInput> part = texts.subList(from, Math.min(texts.size(), from + chunk)).stream().map(EmbedInput::of).toList();
                List<Embedding> vectors = encoder.embed(part, role);
                for (int k = 0; k < vectors.size(); k++) {
                    out[from + k] = vectors.get(k).vector();
                }
                progress.accept(Math.min(texts.size(), from + chunk));
            }
        }
        return out;
    }

    /** Writes vectors by document id (binary: count, width, then id and floats per document). */
    public static void write(java.nio.file.Path file, java.util.Map<String, float[]> vectors) {
        // written beside it, then moved over it: a process killed while writing leaves the previous file whole
        java.nio.file.Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (var out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(partial)))) {
            out.writeInt(vectors.size());
            out.writeInt(vectors.isEmpty() ? 0 : vectors.values().iterator().next().length);
            for (var e : vectors.entrySet()) {
                out.writeUTF(e.getKey());
                for (float f : e.getValue()) {
                    out.writeFloat(f);
                }
            }
        } catch (java.io.IOException e) {
            throw new ScimoeException("cannot write pooled vectors to " + partial + ": " + e.getMessage(), e);
        }
        try {
            java.nio.file.Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw new ScimoeException("cannot write pooled vectors to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads what {@link #write} wrote. */
    public static java.util.Map<String, float[]> read(java.nio.file.Path file) {
        try (var in = new java.io.DataInputStream(new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file)))) {
            int n = in.readInt();
            int d = in.readInt();
            java.util.Map<String, float[]> out = new java.util.HashMap<>();
            for (int i = 0; i < n; i++) {
                String id = in.readUTF();
                float[] v = new float[d];
                for (int k = 0; k < d; k++) {
                    v[k] = in.readFloat();
                }
                out.put(id, v);
            }
            return out;
        } catch (java.io.IOException e) {
            throw new ScimoeException("cannot read pooled vectors from " + file + ": " + e.getMessage(), e);
        }
    }

    /** Un-normalised pooled vectors of {@code texts} in their order, {@code batchSize} texts of similar length per forward pass. */
    public static float[][] pool(MoeEncoder model, BatchTokenizer tokenizer, List<String> texts, Role role, int batchSize) {
        if (model.encoderTrains()) {
            throw new ScimoeException("pooled vectors can only be cached when the encoder is frozen");
        }
        float[][] out = new float[texts.size()][];
        for (int[] chunk : LengthBatches.plan(texts, batchSize)) {
            List<String> part = java.util.Arrays.stream(chunk).mapToObj(texts::get).toList();
            try (NDManager scope = model.parameters().scope()) {
                float[][] rows = MoeEncoder.rows(model.pooled(scope, tokenizer.encode(part, role), null));
                for (int k = 0; k < chunk.length; k++) {
                    out[chunk[k]] = rows[k];
                }
            }
        }
        return out;
    }
}

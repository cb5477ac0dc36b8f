package org.scimoe.training.train;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.scimoe.ScimoeException;
import org.scimoe.embed.Role;
import org.scimoe.training.model.BatchTokenizer;
import org.scimoe.training.model.MoeEncoder;

/**
 * Mean-pooled vectors of a frozen encoder, computed once: with the encoder frozen only the SB-MoE
 * block trains, and each step costs the block alone (milliseconds) instead of a BERT forward.
 */
public final class PooledCache {
    private PooledCache() {}

    /** Un-normalised pooled vectors of {@code texts}, {@code batchSize} texts per forward pass. */
    public static float[][] pool(MoeEncoder model, BatchTokenizer tokenizer, List<String> texts, Role role, int batchSize) {
        if (model.encoderTrains()) {
            throw new ScimoeException("pooled vectors can only be cached when the encoder is frozen");
        }
        List<float[]> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<String> chunk = texts.subList(from, Math.min(texts.size(), from + batchSize));
            try (NDManager scope = model.parameters().scope()) {
                var pooled = model.pooled(scope, tokenizer.encode(chunk, role), null);
                int d = (int) pooled.getShape().get(1);
                float[] flat = pooled.toFloatArray();
                for (int r = 0; r < chunk.size(); r++) {
                    out.add(java.util.Arrays.copyOfRange(flat, r * d, (r + 1) * d));
                }
            }
        }
        return out.toArray(float[][]::new);
    }
}

package org.scimoe.training.train;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.scimoe.ScimoeException;
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

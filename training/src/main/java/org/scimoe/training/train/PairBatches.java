package org.scimoe.training.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.scimoe.lucene.AbstractDoc;
import org.scimoe.training.model.ModelSpec;
import org.scimoe.training.pairs.DocPair;

/**
 * Training batches from planned pairs ({@link EpochBatches.Batch}): as texts for a model that runs the encoder,
 * or as cached pooled vectors for an SB-MoE block on a frozen encoder; plus the in-batch negatives that are
 * known positives (masked) and the sample of kept documents a batch carries for the preservation term.
 */
public final class PairBatches {
    private PairBatches() {}

    /** The texts of a batch, with each row's domain id for a domain-routed model. */
    public static PairBatch textBatch(EpochBatches.Batch b, Map<String, AbstractDoc> docs, ModelSpec spec, List<String> domains,
                                      boolean[] excluded) {
        List<String> anchors = b.anchors().stream().map(id -> docs.get(id).embeddingText()).toList();
        List<String> positives = b.positives().stream().map(id -> docs.get(id).embeddingText()).toList();
        if (spec.variant() != ModelSpec.Variant.DOMAIN_ROUTED) {
            return new PairBatch.Texts(anchors, positives, null, null, excluded);
        }
        long[] ids = new long[anchors.size()];
        java.util.Arrays.fill(ids, domains.indexOf(b.domain()));
        return new PairBatch.Texts(anchors, positives, ids, ids.clone(), excluded);
    }

    public static PairBatch pooledBatch(EpochBatches.Batch b, Map<String, float[]> pooled, boolean[] excluded) {
        return pooledBatch(b, pooled, excluded, List.of());
    }

    public static PairBatch pooledBatch(EpochBatches.Batch b, Map<String, float[]> pooled, boolean[] excluded, List<String> preserved) {
        return new PairBatch.Pooled(b.anchors().stream().map(pooled::get).toArray(float[][]::new),
                b.positives().stream().map(pooled::get).toArray(float[][]::new), excluded,
                preserved.isEmpty() ? null : preserved.stream().map(pooled::get).toArray(float[][]::new));
    }

    /** {@code n} ids drawn with replacement (none when the list is empty). */
    public static List<String> sample(List<String> ids, int n, Random random) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(ids.get(random.nextInt(ids.size())));
        }
        return out;
    }

    /** Anchor i × positive j (i ≠ j) that are a known training pair. */
    public static boolean[] excluded(EpochBatches.Batch b, Set<DocPair> known) {
        int n = b.anchors().size();
        boolean[] mask = new boolean[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                mask[i * n + j] = i != j && known.contains(new DocPair(b.anchors().get(i), b.positives().get(j)));
            }
        }
        return mask;
    }
}

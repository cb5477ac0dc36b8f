package org.scimoe.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.scimoe.eval.RetrievalMetrics;
import org.scimoe.training.model.MoeEncoder;

/**
 * Retrieval on a validation benchmark (held-out citing papers as queries, the papers they cite among
 * distractors) through the model's SB-MoE block on cached pooled vectors: the mean nDCG@10 of exact
 * cosine kNN. It measures what the served model is for, where a validation loss on pairs of unseen
 * documents measures something else (a block can lower one and not the other).
 *
 * @param queryIds    ids of the queries, in the order of {@code queries}
 * @param queries     their pooled vectors (base encoder, query role)
 * @param documentIds ids of the corpus, in the order of {@code documents}
 * @param documents   their pooled vectors (base encoder, document role)
 * @param qrels       per query id, judged document ids and gains
 */
public record RetrievalValidation(List<String> queryIds, float[][] queries, List<String> documentIds, float[][] documents,
                                  Map<String, Map<String, Integer>> qrels) {
    public static final int CUTOFF = 10;

    public RetrievalValidation {
        if (queryIds.size() != queries.length || documentIds.size() != documents.length || queries.length == 0 || documents.length == 0) {
            throw new IllegalArgumentException("a retrieval validation needs queries and documents, one vector per id");
        }
    }

    /** Mean nDCG@10 over the queries with judgments. */
    public double ndcg(MoeEncoder model) {
        try (NDManager scope = model.parameters().scope()) {
            return ndcg(scope, model::head);
        }
    }

    /** Mean nDCG@10 with {@code head} applied to the pooled vectors (arrays live in {@code scope}). */
    public double ndcg(NDManager scope, java.util.function.UnaryOperator<NDArray> head) {
        NDArray q = unit(head.apply(Trainer.matrix(scope, queries)));
        NDArray d = unit(head.apply(Trainer.matrix(scope, documents)));
        float[] scores = q.matMul(d.transpose()).toFloatArray();
        int n = documents.length;
        double sum = 0;
        int counted = 0;
        for (int i = 0; i < queries.length; i++) {
            Map<String, Integer> judged = qrels.get(queryIds.get(i));
            if (judged == null || judged.isEmpty()) {
                continue;
            }
            sum += RetrievalMetrics.ndcg(top(scores, i * n, n), judged, CUTOFF);
            counted++;
        }
        return counted == 0 ? 0 : sum / counted;
    }

    /** The ids of the {@link #CUTOFF} best documents of one row of scores, best first (ties: lower index first). */
    private List<String> top(float[] scores, int from, int n) {
        int[] best = new int[Math.min(CUTOFF, n)];
        int size = 0;
        for (int j = 0; j < n; j++) {
            float s = scores[from + j];
            if (size == best.length && s <= scores[from + best[size - 1]]) {
                continue;
            }
            int k = size == best.length ? size - 1 : size++;
            while (k > 0 && scores[from + best[k - 1]] < s) {
                best[k] = best[k - 1];
                k--;
            }
            best[k] = j;
        }
        List<String> ids = new ArrayList<>(size);
        for (int k = 0; k < size; k++) {
            ids.add(documentIds.get(best[k]));
        }
        return ids;
    }

    private static NDArray unit(NDArray v) {
        return v.div(v.norm(new int[] {-1}, true).maximum(1e-12f));
    }
}

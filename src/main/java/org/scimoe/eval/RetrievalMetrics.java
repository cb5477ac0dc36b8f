package org.scimoe.eval;

import java.util.List;
import java.util.Map;

/**
 * The standard definitions, as trec_eval (and so BEIR) computes them: the gain of a document is its
 * qrels score when above zero, else nothing; nDCG uses log2(rank + 1) discounts and the ideal order of
 * all judged documents; recall counts documents with a positive score; MRR is 1 / rank of the first one.
 */
public final class RetrievalMetrics {
    private RetrievalMetrics() {}

    public static double ndcg(List<String> ranking, Map<String, Integer> judged, int cutoff) {
        double dcg = 0;
        for (int i = 0; i < Math.min(cutoff, ranking.size()); i++) {
            dcg += gain(judged.get(ranking.get(i))) / log2(i + 2);
        }
        double[] ideal = judged.values().stream().mapToDouble(RetrievalMetrics::gain).filter(g -> g > 0)
                .boxed().sorted((a, b) -> Double.compare(b, a)).mapToDouble(Double::doubleValue).toArray();
        double idcg = 0;
        for (int i = 0; i < Math.min(cutoff, ideal.length); i++) {
            idcg += ideal[i] / log2(i + 2);
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    public static double recall(List<String> ranking, Map<String, Integer> judged, int cutoff) {
        long relevant = judged.values().stream().filter(s -> s > 0).count();
        if (relevant == 0) {
            return 0;
        }
        long found = ranking.stream().limit(cutoff).filter(id -> gain(judged.get(id)) > 0).count();
        return (double) found / relevant;
    }

    public static double reciprocalRank(List<String> ranking, Map<String, Integer> judged, int cutoff) {
        for (int i = 0; i < Math.min(cutoff, ranking.size()); i++) {
            if (gain(judged.get(ranking.get(i))) > 0) {
                return 1.0 / (i + 1);
            }
        }
        return 0;
    }

    static boolean hasRelevant(Map<String, Integer> judged) {
        return judged.values().stream().anyMatch(s -> s > 0);
    }

    private static double gain(Integer score) {
        return score == null || score <= 0 ? 0 : score;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}

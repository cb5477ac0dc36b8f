package org.scimoe.fusion;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fuses ranked result lists into one, by key: reciprocal rank fusion or a weighted sum of min-max
 * normalised scores. Keys are whatever identifies a document to the caller (an id for the engine,
 * a shard + Lucene doc for Elasticsearch), so the engine and the plugin share one implementation.
 * Ties are broken by {@code tieBreak}, so the result does not depend on hash order.
 */
public final class ResultFusion {
    /** The rank constant of Cormack, Clarke and Buettcher (SIGIR 2009), also Elasticsearch's default. */
    public static final int DEFAULT_RANK_CONSTANT = 60;

    /** One entry of a result list: its key and its score in that list. */
    public record Scored<K>(K key, double score) {}

    private ResultFusion() {}

    /**
     * Reciprocal rank fusion: a key's score is the sum over the lists that hold it of
     * {@code 1 / (rankConstant + rank)}, rank starting at 1. Rank-based, so scores of different
     * kinds (cosine, BM25) need no calibration. Returns at most {@code size} keys, best first.
     */
    public static <K> List<Scored<K>> reciprocalRank(List<? extends List<K>> rankedLists, int rankConstant, int size,
                                                     Comparator<? super K> tieBreak) {
        if (rankConstant < 1) {
            throw new IllegalArgumentException("rank_constant must be at least 1, not " + rankConstant);
        }
        Map<K, Double> scores = new HashMap<>();
        for (List<K> list : rankedLists) {
            for (int rank = 0; rank < list.size(); rank++) {
                scores.merge(list.get(rank), 1.0 / (rankConstant + rank + 1), Double::sum);
            }
        }
        return best(scores, size, tieBreak);
    }

    /**
     * Linear fusion: each list's scores are min-max normalised to [0, 1] (a list whose scores are all
     * equal gives each of its keys 1), and a key's score is the weighted sum over the lists that hold
     * it; a list that lacks the key adds nothing. {@code weights} has one weight per list.
     */
    public static <K> List<Scored<K>> linear(List<? extends List<Scored<K>>> scoredLists, double[] weights, int size,
                                             Comparator<? super K> tieBreak) {
        if (weights.length != scoredLists.size()) {
            throw new IllegalArgumentException("weights has " + weights.length + " values for " + scoredLists.size() + " result lists");
        }
        Map<K, Double> scores = new HashMap<>();
        for (int i = 0; i < scoredLists.size(); i++) {
            List<Scored<K>> list = scoredLists.get(i);
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (Scored<K> s : list) {
                min = Math.min(min, s.score());
                max = Math.max(max, s.score());
            }
            double range = max - min;
            for (Scored<K> s : list) {
                double normalised = range > 0 ? (s.score() - min) / range : 1.0;
                scores.merge(s.key(), weights[i] * normalised, Double::sum);
            }
        }
        return best(scores, size, tieBreak);
    }

    private static <K> List<Scored<K>> best(Map<K, Double> scores, int size, Comparator<? super K> tieBreak) {
        Objects.requireNonNull(tieBreak, "tieBreak");
        List<Scored<K>> all = new ArrayList<>(scores.size());
        scores.forEach((k, v) -> all.add(new Scored<>(k, v)));
        all.sort(Comparator.<Scored<K>>comparingDouble(Scored::score).reversed()
                .thenComparing(Scored::key, tieBreak));
        return all.size() > size ? List.copyOf(all.subList(0, size)) : all;
    }
}

package org.scimoe.fusion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuses ranked result lists into one, by key: reciprocal rank fusion or a weighted sum of min-max
 * normalised scores. Keys are whatever identifies a document to the caller (an id for the engine,
 * a shard + Lucene doc for Elasticsearch), so the engine and the plugin share one implementation.
 * <p>
 * Equal fused scores are common with RRF (a key at ranks 9 and 13 ties with one at 13 and 9; a key
 * only in the first list at rank r ties with one only in the second at rank r). They are broken by the
 * ranks alone, never by the keys: the key ranked better in the first list wins, a list that lacks a key
 * ranking it after all it holds; if the first list ranks both equally (lacks both), the second decides,
 * and so on. Two distinct keys always differ somewhere, so the order is total, and it is the same for
 * whatever identifies a document: the engine (ids) and Elasticsearch (shard and Lucene doc, which
 * depend on indexing order and sharding) fuse the same lists into the same ranking. The order of the
 * lists therefore matters for ties: the engine's hybrid mode and the plugin's short form both put the
 * lexical list first.
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
     * kinds (cosine, BM25) need no calibration. Returns at most {@code size} keys, best first, ties
     * broken by rank as the class comment says.
     */
    public static <K> List<Scored<K>> reciprocalRank(List<? extends List<K>> rankedLists, int rankConstant, int size) {
        if (rankConstant < 1) {
            throw new IllegalArgumentException("rank_constant must be at least 1, not " + rankConstant);
        }
        Map<K, Fused> fused = new HashMap<>();
        for (int i = 0; i < rankedLists.size(); i++) {
            List<K> list = rankedLists.get(i);
            for (int rank = 0; rank < list.size(); rank++) {
                fused.computeIfAbsent(list.get(rank), k -> new Fused(rankedLists.size())).add(i, rank, 1.0 / (rankConstant + rank + 1));
            }
        }
        return best(fused, size);
    }

    /**
     * Linear fusion: each list's scores are min-max normalised to [0, 1] (a list whose scores are all
     * equal gives each of its keys 1), and a key's score is the weighted sum over the lists that hold
     * it; a list that lacks the key adds nothing. {@code weights} has one weight per list. Each list is
     * best first (its order gives the ranks that break ties, as the class comment says).
     */
    public static <K> List<Scored<K>> linear(List<? extends List<Scored<K>>> scoredLists, double[] weights, int size) {
        if (weights.length != scoredLists.size()) {
            throw new IllegalArgumentException("weights has " + weights.length + " values for " + scoredLists.size() + " result lists");
        }
        Map<K, Fused> fused = new HashMap<>();
        for (int i = 0; i < scoredLists.size(); i++) {
            List<Scored<K>> list = scoredLists.get(i);
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (Scored<K> s : list) {
                min = Math.min(min, s.score());
                max = Math.max(max, s.score());
            }
            double range = max - min;
            for (int rank = 0; rank < list.size(); rank++) {
                Scored<K> s = list.get(rank);
                double normalised = range > 0 ? (s.score() - min) / range : 1.0;
                fused.computeIfAbsent(s.key(), k -> new Fused(scoredLists.size())).add(i, rank, weights[i] * normalised);
            }
        }
        return best(fused, size);
    }

    /** A key's fused score so far and its rank (from 0) in each list, {@link Integer#MAX_VALUE} where a list lacks it. */
    private static final class Fused {
        double score;
        final int[] ranks;

        Fused(int lists) {
            ranks = new int[lists];
            Arrays.fill(ranks, Integer.MAX_VALUE);
        }

        void add(int list, int rank, double value) {
            score += value;
            ranks[list] = Math.min(ranks[list], rank); // a key listed twice keeps its better rank
        }
    }

    private record Entry<K>(K key, Fused fused) {}

    private static final Comparator<Entry<?>> BEST_FIRST = Comparator.<Entry<?>>comparingDouble(e -> e.fused().score).reversed()
            .thenComparing((a, b) -> Arrays.compare(a.fused().ranks, b.fused().ranks));

    private static <K> List<Scored<K>> best(Map<K, Fused> fused, int size) {
        List<Entry<K>> all = new ArrayList<>(fused.size());
        fused.forEach((k, f) -> all.add(new Entry<>(k, f)));
        all.sort(BEST_FIRST);
        List<Scored<K>> out = new ArrayList<>(Math.min(size, all.size()));
        for (int i = 0; i < Math.min(size, all.size()); i++) {
            out.add(new Scored<>(all.get(i).key(), all.get(i).fused().score));
        }
        return out;
    }
}

package org.scimoe.training.pairs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Puts every document in exactly one split, so no document is seen in training and in testing; a
 * pair belongs to a split only when both its documents do, and pairs that straddle splits are dropped.
 *
 * <p>{@code GRAPH} (default) walks the pair graph breadth-first from seeded random starts and cuts
 * the walk into train / valid / test by the fractions: neighbours land in the same split, so far
 * fewer pairs straddle splits than with {@code RANDOM} assignment (which keeps only about f² of the
 * pairs of a split with fraction f).
 */
public final class DocumentSplit {
    public enum Mode { GRAPH, RANDOM }

    private DocumentSplit() {}

    /**
     * @param train  fraction for training, valid for validation; test gets the rest. In {@code GRAPH}
     *               mode the fractions are of pair endpoints (a document counts once per pair it is in),
     *               so each split gets about its share of the pairs, not just of the documents.
     */
    public static Map<String, Split> assign(List<String> docs, Set<DocPair> pairs, double train, double valid, Mode mode, long seed) {
        if (train <= 0 || valid < 0 || train + valid >= 1) {
            throw new IllegalArgumentException("split fractions need train > 0, valid >= 0 and train + valid < 1");
        }
        Map<String, Integer> degree = new HashMap<>();
        for (DocPair p : pairs) {
            degree.merge(p.a(), 1, Integer::sum);
            degree.merge(p.b(), 1, Integer::sum);
        }
        List<String> order = mode == Mode.GRAPH ? walk(docs, pairs, seed) : shuffled(docs, seed);
        double total = 0;
        for (String d : order) {
            total += mode == Mode.GRAPH ? Math.max(1, degree.getOrDefault(d, 0)) : 1;
        }
        Map<String, Split> split = new TreeMap<>();
        double seen = 0;
        for (String d : order) {
            double position = seen / total;
            split.put(d, position < train ? Split.TRAIN : position < train + valid ? Split.VALID : Split.TEST);
            seen += mode == Mode.GRAPH ? Math.max(1, degree.getOrDefault(d, 0)) : 1;
        }
        return split;
    }

    private static List<String> shuffled(List<String> docs, long seed) {
        List<String> order = new ArrayList<>(new TreeSet<>(docs));
        Collections.shuffle(order, new Random(seed));
        return order;
    }

    private static List<String> walk(List<String> docs, Set<DocPair> pairs, long seed) {
        Map<String, List<String>> neighbours = new HashMap<>();
        for (DocPair p : pairs) {
            neighbours.computeIfAbsent(p.a(), k -> new ArrayList<>()).add(p.b());
            neighbours.computeIfAbsent(p.b(), k -> new ArrayList<>()).add(p.a());
        }
        Random random = new Random(seed);
        neighbours.values().forEach(list -> {
            list.sort(null);
            Collections.shuffle(list, random);
        });
        List<String> starts = shuffled(docs, seed);
        Set<String> seen = new HashSet<>();
        List<String> order = new ArrayList<>(starts.size());
        Deque<String> queue = new ArrayDeque<>();
        for (String start : starts) {
            if (!seen.add(start)) {
                continue;
            }
            queue.add(start);
            while (!queue.isEmpty()) {
                String doc = queue.poll();
                order.add(doc);
                for (String next : neighbours.getOrDefault(doc, List.of())) {
                    if (seen.add(next)) {
                        queue.add(next);
                    }
                }
            }
        }
        return order;
    }
}

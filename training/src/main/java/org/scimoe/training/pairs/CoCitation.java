package org.scimoe.training.pairs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Co-citation: two documents cited together by a third are similar. The count of a pair is the
 * number of distinct documents that cite both; pairs below the minimum count are dropped.
 *
 * <p>At scale (arXiv hep-th: 24k citing papers, 4.8 M co-cited pairs with repeats) a few survey
 * papers with hundreds of references would make most of the pairs, all of them weak. A cap on the
 * references used per citing paper (a seeded sample of them) bounds that: with 30, hep-th gives
 * 1.2 M distinct pairs, 406 k of them co-cited at least twice. Counting runs in a hash map; only the
 * surviving pairs are sorted.
 */
public final class CoCitation {
    /** One citation, read from a file at {@code where} (file:line, for errors). */
    public record Edge(String citing, String cited, String where) {}

    private CoCitation() {}

    public static Map<DocPair, Integer> pairs(List<Edge> edges, int minCount) {
        return pairs(edges, minCount, Integer.MAX_VALUE, 0);
    }

    /**
     * @param maxRefs most references of one citing document that make pairs (a sample seeded by
     *                {@code seed} and the citing id, so it does not depend on the order of the edges)
     */
    public static Map<DocPair, Integer> pairs(List<Edge> edges, int minCount, int maxRefs, long seed) {
        Map<String, Set<String>> citedBy = new TreeMap<>();
        for (Edge e : edges) {
            citedBy.computeIfAbsent(e.citing(), k -> new TreeSet<>()).add(e.cited());
        }
        Map<DocPair, Integer> counts = new HashMap<>();
        for (var entry : citedBy.entrySet()) {
            List<String> list = new ArrayList<>(entry.getValue());
            if (list.size() > maxRefs) {
                Collections.shuffle(list, new Random(seed * 31 + entry.getKey().hashCode()));
                list = new ArrayList<>(new TreeSet<>(list.subList(0, maxRefs)));
            }
            for (int i = 0; i < list.size(); i++) {
                for (int j = i + 1; j < list.size(); j++) {
                    counts.merge(new DocPair(list.get(i), list.get(j)), 1, Integer::sum);
                }
            }
        }
        Map<DocPair, Integer> kept = new TreeMap<>();
        counts.forEach((p, c) -> {
            if (c >= minCount) {
                kept.put(p, c);
            }
        });
        return kept;
    }

    /** Each citation as a pair of the citing and the cited document (count 1; self-citations dropped). */
    public static Map<DocPair, Integer> direct(List<Edge> edges) {
        Map<DocPair, Integer> pairs = new TreeMap<>();
        for (Edge e : edges) {
            if (!e.citing().equals(e.cited())) {
                pairs.put(new DocPair(e.citing(), e.cited()), 1);
            }
        }
        return pairs;
    }
}

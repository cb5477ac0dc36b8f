package org.scimoe.training.pairs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Co-citation: two documents cited together by a third are similar. The count of a pair is the
 * number of distinct documents that cite both; pairs below the minimum count are dropped.
 */
public final class CoCitation {
    /** One citation, read from a file at {@code where} (file:line, for errors). */
    public record Edge(String citing, String cited, String where) {}

    private CoCitation() {}

    public static Map<DocPair, Integer> pairs(List<Edge> edges, int minCount) {
        Map<String, Set<String>> citedBy = new TreeMap<>();
        for (Edge e : edges) {
            citedBy.computeIfAbsent(e.citing(), k -> new TreeSet<>()).add(e.cited());
        }
        Map<DocPair, Integer> counts = new TreeMap<>();
        for (Set<String> cited : citedBy.values()) {
            List<String> list = new ArrayList<>(cited);
            for (int i = 0; i < list.size(); i++) {
                for (int j = i + 1; j < list.size(); j++) {
                    counts.merge(new DocPair(list.get(i), list.get(j)), 1, Integer::sum);
                }
            }
        }
        counts.values().removeIf(c -> c < minCount);
        return counts;
    }
}

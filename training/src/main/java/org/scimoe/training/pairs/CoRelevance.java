package org.scimoe.training.pairs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Co-relevance, for collections without citations: two documents judged relevant to the same query
 * are similar. Only the given (training) queries contribute, so held-out queries stay unseen.
 * The count of a pair is the number of queries that judge both relevant.
 */
public final class CoRelevance {
    private CoRelevance() {}

    public static Map<DocPair, Integer> pairs(Map<String, Map<String, Integer>> qrels, Collection<String> queries, int minScore, int minCount) {
        Map<DocPair, Integer> counts = new TreeMap<>();
        for (String query : queries) {
            List<String> relevant = new ArrayList<>();
            qrels.getOrDefault(query, Map.of()).forEach((doc, score) -> {
                if (score >= minScore) {
                    relevant.add(doc);
                }
            });
            relevant.sort(null);
            for (int i = 0; i < relevant.size(); i++) {
                for (int j = i + 1; j < relevant.size(); j++) {
                    counts.merge(new DocPair(relevant.get(i), relevant.get(j)), 1, Integer::sum);
                }
            }
        }
        counts.values().removeIf(c -> c < minCount);
        return counts;
    }
}

package org.scimoe.lucene;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion (Cormack, Clarke and Buettcher, SIGIR 2009): a document's fused score is
 * the sum over result lists of 1 / (k + rank). Rank-based, so cosine and BM25 scores need no calibration.
 */
final class RankFusion {
    static final int K = 60;

    private RankFusion() {}

    static List<SearchHit> fuse(List<List<SearchHit>> lists, int size) {
        Map<String, Double> scores = new HashMap<>();
        Map<String, SearchHit> byId = new LinkedHashMap<>();
        for (List<SearchHit> list : lists) {
            for (int rank = 0; rank < list.size(); rank++) {
                SearchHit hit = list.get(rank);
                scores.merge(hit.id(), 1.0 / (K + rank + 1), Double::sum);
                byId.putIfAbsent(hit.id(), hit);
            }
        }
        List<SearchHit> fused = new ArrayList<>();
        scores.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(size)
                .forEach(e -> {
                    SearchHit h = byId.get(e.getKey());
                    fused.add(new SearchHit(h.id(), h.title(), h.text(), h.domain(), e.getValue().floatValue()));
                });
        return fused;
    }
}

package org.scimoe.lucene;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.scimoe.fusion.ResultFusion;

/**
 * Hybrid mode's fusion: reciprocal rank fusion (Cormack, Clarke and Buettcher, SIGIR 2009) of the
 * kNN and BM25 lists by document id, through {@link ResultFusion} (which the Elasticsearch plugin's
 * retriever uses too). Rank-based, so cosine and BM25 scores need no calibration. A fused hit keeps the
 * first list's passage (kNN's best passage on a chunked index) when it has one.
 */
final class RankFusion {
    static final int K = ResultFusion.DEFAULT_RANK_CONSTANT;

    private RankFusion() {}

    static List<SearchHit> fuse(List<List<SearchHit>> lists, int size) {
        Map<String, SearchHit> byId = new HashMap<>();
        List<List<String>> ids = new ArrayList<>();
        for (List<SearchHit> list : lists) {
            ids.add(list.stream().map(SearchHit::id).toList());
            list.forEach(hit -> byId.putIfAbsent(hit.id(), hit));
        }
        List<SearchHit> fused = new ArrayList<>();
        for (ResultFusion.Scored<String> s : ResultFusion.reciprocalRank(ids, K, size, Comparator.naturalOrder())) {
            SearchHit h = byId.get(s.key());
            fused.add(new SearchHit(h.id(), h.title(), h.text(), h.domain(), (float) s.score(), h.passage()));
        }
        return fused;
    }
}

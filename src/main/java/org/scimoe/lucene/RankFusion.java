package org.scimoe.lucene;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.scimoe.fusion.ResultFusion;

/**
 * Hybrid mode's fusion: reciprocal rank fusion (Cormack, Clarke and Buettcher, SIGIR 2009) of the
 * BM25 and kNN lists by document id, through {@link ResultFusion} (which the Elasticsearch plugin's
 * retriever uses too). Rank-based, so cosine and BM25 scores need no calibration. Equal scores are
 * broken by rank in the lists in the order given (see {@link ResultFusion}); the caller passes BM25
 * first, as the plugin's {@code scimoe_hybrid} short form orders its lexical and kNN retrievers, so
 * both rank ties alike. A fused hit keeps the passage of the list that has one (kNN's best passage on
 * a chunked index).
 */
final class RankFusion {
    static final int K = ResultFusion.DEFAULT_RANK_CONSTANT;

    private RankFusion() {}

    static List<SearchHit> fuse(List<List<SearchHit>> lists, int size) {
        Map<String, SearchHit> byId = new HashMap<>();
        List<List<String>> ids = new ArrayList<>();
        for (List<SearchHit> list : lists) {
            ids.add(list.stream().map(SearchHit::id).toList());
            list.forEach(hit -> byId.merge(hit.id(), hit, (first, other) -> first.passage() == null ? other : first));
        }
        List<SearchHit> fused = new ArrayList<>();
        for (ResultFusion.Scored<String> s : ResultFusion.reciprocalRank(ids, K, size)) {
            SearchHit h = byId.get(s.key());
            fused.add(new SearchHit(h.id(), h.title(), h.text(), h.domain(), (float) s.score(), h.passage()));
        }
        return fused;
    }
}

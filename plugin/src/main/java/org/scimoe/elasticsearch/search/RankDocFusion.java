package org.scimoe.elasticsearch.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.lucene.search.ScoreDoc;
import org.elasticsearch.search.rank.RankDoc;
import org.scimoe.fusion.ResultFusion;

/**
 * The sub-retrievers' top documents fused into one ranking with the engine's {@link ResultFusion}.
 * A document is identified by its shard (the request's shard index) and its Lucene doc id, which is
 * what the sub-searches of a compound retriever return.
 */
final class RankDocFusion {
    private record DocKey(int shard, int doc) {}

    private static final Comparator<DocKey> SHARD_THEN_DOC = Comparator.comparingInt(DocKey::shard).thenComparingInt(DocKey::doc);

    private RankDocFusion() {}

    /** The fused top {@code windowSize} documents, ranks from 1, scores as fused. */
    static RankDoc[] fuse(List<ScoreDoc[]> results, FusionMethod method, int rankConstant, float[] weights, int windowSize) {
        List<ResultFusion.Scored<DocKey>> fused = switch (method) {
            case RRF -> ResultFusion.reciprocalRank(keys(results), rankConstant, windowSize, SHARD_THEN_DOC);
            case LINEAR -> ResultFusion.linear(scored(results), toDoubles(weights, results.size()), windowSize, SHARD_THEN_DOC);
        };
        RankDoc[] docs = new RankDoc[fused.size()];
        for (int i = 0; i < docs.length; i++) {
            ResultFusion.Scored<DocKey> s = fused.get(i);
            docs[i] = new RankDoc(s.key().doc(), (float) s.score(), s.key().shard());
            docs[i].rank = i + 1;
        }
        return docs;
    }

    private static List<List<DocKey>> keys(List<ScoreDoc[]> results) {
        List<List<DocKey>> lists = new ArrayList<>(results.size());
        for (ScoreDoc[] docs : results) {
            List<DocKey> list = new ArrayList<>(docs.length);
            for (ScoreDoc d : docs) {
                list.add(new DocKey(d.shardIndex, d.doc));
            }
            lists.add(list);
        }
        return lists;
    }

    private static List<List<ResultFusion.Scored<DocKey>>> scored(List<ScoreDoc[]> results) {
        List<List<ResultFusion.Scored<DocKey>>> lists = new ArrayList<>(results.size());
        for (ScoreDoc[] docs : results) {
            List<ResultFusion.Scored<DocKey>> list = new ArrayList<>(docs.length);
            for (ScoreDoc d : docs) {
                list.add(new ResultFusion.Scored<>(new DocKey(d.shardIndex, d.doc), d.score));
            }
            lists.add(list);
        }
        return lists;
    }

    private static double[] toDoubles(float[] weights, int lists) {
        double[] out = new double[lists];
        for (int i = 0; i < lists; i++) {
            out[i] = weights == null ? 1.0 : weights[i];
        }
        return out;
    }
}

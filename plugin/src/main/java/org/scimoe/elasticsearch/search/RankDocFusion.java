package org.scimoe.elasticsearch.search;

import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.search.ScoreDoc;
import org.elasticsearch.search.rank.RankDoc;
import org.scimoe.fusion.ResultFusion;

/**
 * The sub-retrievers' top documents fused into one ranking with the engine's {@link ResultFusion}.
 * A document is identified by its shard (the request's shard index) and its Lucene doc id, which is
 * what the sub-searches of a compound retriever return. Equal fused scores are ordered by the
 * documents' ranks in the sub-retrievers, in their order (see {@link ResultFusion}), not by shard and
 * doc, which depend on indexing order and sharding: so the short form (lexical first) ranks ties as
 * the engine's hybrid mode does.
 * <p>
 * The node does not keep this order by itself: the compound retriever's final search scores each
 * document with its {@link RankDoc#score} (a float) and sorts by score, equal scores by shard and doc.
 * So the scores handed over strictly decrease along the fused order: a score that is not below the
 * previous one (a tie, or two fused scores that round to the same float) becomes the float just
 * below it, a difference of a few ulps (1e-9 at RRF's scores). Only a score of 0 (linear fusion) is
 * left as it is; such documents come in shard and doc order.
 */
final class RankDocFusion {
    private record DocKey(int shard, int doc) {}

    private RankDocFusion() {}

    /** The fused top {@code windowSize} documents, ranks from 1, scores as fused (strictly decreasing, see above). */
    static RankDoc[] fuse(List<ScoreDoc[]> results, FusionMethod method, int rankConstant, float[] weights, int windowSize) {
        List<ResultFusion.Scored<DocKey>> fused = switch (method) {
            case RRF -> ResultFusion.reciprocalRank(keys(results), rankConstant, windowSize);
            case LINEAR -> ResultFusion.linear(scored(results), toDoubles(weights, results.size()), windowSize);
        };
        RankDoc[] docs = new RankDoc[fused.size()];
        float previous = Float.POSITIVE_INFINITY;
        for (int i = 0; i < docs.length; i++) {
            ResultFusion.Scored<DocKey> s = fused.get(i);
            float score = (float) s.score();
            if (score >= previous && previous > 0) {
                score = Math.nextDown(previous);
            }
            docs[i] = new RankDoc(s.key().doc(), score, s.key().shard());
            docs[i].rank = i + 1;
            previous = score;
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

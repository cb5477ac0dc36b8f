package org.scimoe.elasticsearch.search;

import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.search.ScoreDoc;
import org.elasticsearch.search.rank.RankDoc;
import org.elasticsearch.test.ESTestCase;
import org.scimoe.fusion.ResultFusion;

/**
 * The retriever's fusion orders equal scores as the engine does: by the documents' ranks in the
 * sub-retrievers (the first one's first), not by shard and Lucene doc, which depend on how the corpus
 * was indexed and sharded; and its scores strictly decrease, so the node's final sort by score keeps
 * that order (issue 11: on the MEDLINE slice, ties ordered by doc made nDCG@10 through the retriever
 * 0.8919 against the engine's 0.9033).
 */
public class RankDocFusionTests extends ESTestCase {

    public void testTiesGoToTheBetterRankInTheFirstSubRetrieverWhateverTheDocAndShard() {
        // Lexical: ..., 9th = doc 5 (shard 1), ..., 13th = doc 2 (shard 0); kNN the other way round. Exact RRF tie.
        ScoreDoc[] lexical = new ScoreDoc[13];
        ScoreDoc[] knn = new ScoreDoc[13];
        for (int i = 0; i < 13; i++) {
            lexical[i] = new ScoreDoc(100 + i, 13 - i, 0);
            knn[i] = new ScoreDoc(200 + i, 13 - i, 0);
        }
        lexical[8] = new ScoreDoc(5, 5, 1);
        lexical[12] = new ScoreDoc(2, 1, 0);
        knn[8] = new ScoreDoc(2, 5, 0);
        knn[12] = new ScoreDoc(5, 1, 1);
        for (FusionMethod method : FusionMethod.values()) {
            RankDoc[] fused = RankDocFusion.fuse(List.of(lexical, knn), method, 60, null, 30);
            int first = indexOf(fused, 1, 5);
            int second = indexOf(fused, 0, 2);
            assertThat(method + ": a tie (up to the ulps that order it)", (double) fused[first].score, closeTo(fused[second].score, 1e-6));
            assertThat(method + ": the better lexical rank first, though its shard and doc are larger", first + 1, equalTo(second));
            assertThat(method + ": only-in-one-list ties at equal rank, the lexical one first", indexOf(fused, 0, 100) + 1,
                    equalTo(indexOf(fused, 0, 200)));
            assertOrderedByScore(fused);
        }
    }

    public void testTheScoresKeepTheOrderOnTheNodeAndStayTheFusedScores() {
        // Three documents only in one list each, at rank 1: one RRF score 1/61, three times. The node sorts the
        // final hits by score (ties by shard and doc), so the scores must decrease strictly, by as little as can be.
        ScoreDoc[] a = {new ScoreDoc(9, 3f, 2)};
        ScoreDoc[] b = {new ScoreDoc(1, 0.5f, 0)};
        ScoreDoc[] c = {new ScoreDoc(4, 0.9f, 1)};
        RankDoc[] fused = RankDocFusion.fuse(List.of(a, b, c), FusionMethod.RRF, 60, null, 10);
        assertThat(fused.length, equalTo(3));
        assertThat(fused[0].doc, equalTo(9));
        assertThat(fused[1].doc, equalTo(1));
        assertThat(fused[2].doc, equalTo(4));
        assertThat(fused[0].score, equalTo((float) (1.0 / 61)));
        assertThat(fused[1].score, equalTo(Math.nextDown(fused[0].score)));
        assertThat(fused[2].score, equalTo(Math.nextDown(fused[1].score)));
        assertOrderedByScore(fused);
        // Linear: scores of 0 cannot go lower and stay 0.
        RankDoc[] linear = RankDocFusion.fuse(List.of(new ScoreDoc[] {new ScoreDoc(3, 2f, 0), new ScoreDoc(5, 1f, 0)}, b),
                FusionMethod.LINEAR, 60, new float[] {1f, 0f}, 10);
        assertThat(linear[0].score, equalTo(1f));
        assertThat(linear[1].score, equalTo(0f));
        assertThat(linear[2].score, equalTo(0f));
    }

    private static void assertOrderedByScore(RankDoc[] fused) {
        for (int i = 0; i < fused.length; i++) {
            assertThat(fused[i].rank, equalTo(i + 1));
            if (i > 0) {
                assertThat("rank " + (i + 1) + ": the node sorts by score", fused[i].score, lessThan(fused[i - 1].score));
            }
        }
    }

    public void testTheOrderIsTheEnginesWhateverTheDocNumbers() {
        // The same ranked lists with documents numbered and sharded at random: the fused order, position by
        // position, is ResultFusion's over stable names (what the engine computes over ids).
        for (int round = 0; round < 50; round++) {
            int docs = between(5, 40);
            List<Integer> names = new ArrayList<>();
            for (int d = 0; d < docs; d++) {
                names.add(d);
            }
            int[] shard = new int[docs];
            int[] doc = new int[docs];
            for (int d = 0; d < docs; d++) {
                shard[d] = between(0, 3);
                doc[d] = d * 7 + between(0, 6); // distinct
            }
            List<List<Integer>> lists = new ArrayList<>();
            List<ScoreDoc[]> results = new ArrayList<>();
            for (int l = 0; l < 2; l++) {
                List<Integer> list = new ArrayList<>(randomSubsetOf(between(1, docs), names));
                java.util.Collections.shuffle(list, random());
                lists.add(list);
                ScoreDoc[] scoreDocs = new ScoreDoc[list.size()];
                for (int r = 0; r < list.size(); r++) {
                    scoreDocs[r] = new ScoreDoc(doc[list.get(r)], list.size() - r, shard[list.get(r)]);
                }
                results.add(scoreDocs);
            }
            int rankConstant = between(1, 60);
            List<Integer> expected = ResultFusion.reciprocalRank(lists, rankConstant, docs).stream().map(ResultFusion.Scored::key).toList();
            RankDoc[] fused = RankDocFusion.fuse(results, FusionMethod.RRF, rankConstant, null, docs);
            assertThat(fused.length, equalTo(expected.size()));
            assertOrderedByScore(fused);
            for (int i = 0; i < fused.length; i++) {
                int name = expected.get(i);
                assertThat("position " + i, fused[i].doc, equalTo(doc[name]));
                assertThat("position " + i, fused[i].shardIndex, equalTo(shard[name]));
            }
        }
    }

    private static int indexOf(RankDoc[] docs, int shard, int doc) {
        for (int i = 0; i < docs.length; i++) {
            if (docs[i].shardIndex == shard && docs[i].doc == doc) {
                return i;
            }
        }
        throw new AssertionError("no doc " + doc + " of shard " + shard);
    }
}

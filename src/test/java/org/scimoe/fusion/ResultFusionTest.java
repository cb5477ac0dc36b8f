package org.scimoe.fusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.scimoe.fusion.ResultFusion.Scored;

class ResultFusionTest {

    @Test
    void reciprocalRankSumsOneOverConstantPlusRank() {
        List<Scored<String>> fused = ResultFusion.reciprocalRank(List.of(List.of("a", "b", "c"), List.of("c", "a")), 60, 10);
        assertEquals(List.of("a", "c", "b"), fused.stream().map(Scored::key).toList());
        assertEquals(1.0 / 61 + 1.0 / 62, fused.get(0).score(), 1e-12);
        assertEquals(1.0 / 63 + 1.0 / 61, fused.get(1).score(), 1e-12);
        assertEquals(1.0 / 62, fused.get(2).score(), 1e-12);
    }

    @Test
    void reciprocalRankBreaksTiesByTheFirstListsRankNotByKeyAndCutsAtSize() {
        // x and y are first in one list each: equal scores; the first list's one wins, whatever the keys.
        assertEquals(List.of("y"), keys(ResultFusion.reciprocalRank(List.of(List.of("y"), List.of("x")), 1, 1)));
        assertEquals(List.of("x", "y"), keys(ResultFusion.reciprocalRank(List.of(List.of("x"), List.of("y")), 1, 2)));
        assertThrows(IllegalArgumentException.class, () -> ResultFusion.reciprocalRank(List.of(List.of("x")), 0, 1));
    }

    @Test
    void reciprocalRankBreaksSymmetricTiesByTheFirstList() {
        // As on the MEDLINE slice: "64" at ranks 9 (BM25) and 13 (kNN), "293" at 13 and 9 score the same.
        List<String> lexical = new ArrayList<>();
        List<String> knn = new ArrayList<>();
        for (int i = 1; i <= 14; i++) {
            lexical.add("l" + i);
            knn.add("k" + i);
        }
        lexical.set(8, "64");
        lexical.set(12, "293");
        knn.set(8, "293");
        knn.set(12, "64");
        List<Scored<String>> fused = ResultFusion.reciprocalRank(List.of(lexical, knn), 60, 30);
        int i64 = keys(fused).indexOf("64");
        int i293 = keys(fused).indexOf("293");
        assertEquals(fused.get(i64).score(), fused.get(i293).score(), 0.0, "an exact tie");
        assertEquals(i64 + 1, i293, "the better rank in the first list wins, not the smaller key");
        // Only-in-one-list ties at equal rank (after the two in both lists): the first list's key first, pair by pair.
        assertEquals(List.of("64", "293", "l1", "k1", "l2", "k2"), keys(fused).subList(0, 6));
    }

    @Test
    void theFusedOrderDoesNotDependOnTheKeys() {
        // Elasticsearch identifies documents by shard and Lucene doc, the engine by id: renaming the keys
        // (any order-changing bijection) must give the same ranking position by position.
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int docs = 5 + random.nextInt(30);
            List<List<Integer>> lists = new ArrayList<>();
            for (int l = 0; l < 2 + random.nextInt(2); l++) {
                List<Integer> all = new ArrayList<>();
                for (int d = 0; d < docs; d++) {
                    all.add(d);
                }
                Collections.shuffle(all, random);
                lists.add(all.subList(0, 1 + random.nextInt(docs)));
            }
            List<Integer> renamed = new ArrayList<>();
            for (int d = 0; d < docs; d++) {
                renamed.add(d);
            }
            Collections.shuffle(renamed, random);
            List<List<Integer>> renamedLists = lists.stream().map(list -> list.stream().map(renamed::get).toList()).toList();
            int rankConstant = 1 + random.nextInt(60);
            List<Integer> fused = keys(ResultFusion.reciprocalRank(lists, rankConstant, docs));
            assertEquals(fused.stream().map(renamed::get).toList(), keys(ResultFusion.reciprocalRank(renamedLists, rankConstant, docs)));
            List<List<Scored<Integer>>> scored = new ArrayList<>();
            List<List<Scored<Integer>>> renamedScored = new ArrayList<>();
            for (List<Integer> list : lists) {
                // coarse scores, best first, so that linear fusion has ties too
                List<Scored<Integer>> s = new ArrayList<>();
                List<Scored<Integer>> r = new ArrayList<>();
                for (int rank = 0; rank < list.size(); rank++) {
                    s.add(new Scored<>(list.get(rank), (list.size() - rank) / 3));
                    r.add(new Scored<>(renamed.get(list.get(rank)), (list.size() - rank) / 3));
                }
                scored.add(s);
                renamedScored.add(r);
            }
            double[] weights = new double[lists.size()];
            Arrays.fill(weights, 1.0);
            assertEquals(keys(ResultFusion.linear(scored, weights, docs)).stream().map(renamed::get).toList(),
                    keys(ResultFusion.linear(renamedScored, weights, docs)));
        }
    }

    @Test
    void linearNormalisesEachListAndWeighsIt() {
        List<Scored<String>> bm25 = List.of(new Scored<>("a", 12.0), new Scored<>("b", 7.0), new Scored<>("c", 2.0));
        List<Scored<String>> knn = List.of(new Scored<>("c", 0.9), new Scored<>("b", 0.8), new Scored<>("d", 0.5));
        List<Scored<String>> fused = ResultFusion.linear(List.of(bm25, knn), new double[] {1.0, 3.0}, 10);
        // bm25 normalised: a 1, b 0.5, c 0; knn normalised: c 1, b 0.75, d 0.
        assertEquals(List.of("c", "b", "a", "d"), fused.stream().map(Scored::key).toList());
        assertEquals(3.0, fused.get(0).score(), 1e-12);
        assertEquals(0.5 + 2.25, fused.get(1).score(), 1e-12);
        assertEquals(1.0, fused.get(2).score(), 1e-12);
        assertEquals(0.0, fused.get(3).score(), 1e-12);
    }

    @Test
    void linearGivesAListOfEqualScoresFullWeightAndChecksTheWeights() {
        List<Scored<String>> flat = List.of(new Scored<>("a", 4.0), new Scored<>("b", 4.0));
        List<Scored<String>> fused = ResultFusion.linear(List.of(flat), new double[] {0.5}, 10);
        assertEquals(List.of("a", "b"), keys(fused), "equal scores: the list's order");
        assertEquals(0.5, fused.get(0).score(), 1e-12);
        assertEquals(0.5, fused.get(1).score(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ResultFusion.linear(List.of(flat), new double[] {1, 2}, 10));
    }

    private static <K> List<K> keys(List<Scored<K>> fused) {
        return fused.stream().map(Scored::key).toList();
    }
}

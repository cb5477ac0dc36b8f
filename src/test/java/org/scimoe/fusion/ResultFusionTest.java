package org.scimoe.fusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.scimoe.fusion.ResultFusion.Scored;

class ResultFusionTest {

    @Test
    void reciprocalRankSumsOneOverConstantPlusRank() {
        List<Scored<String>> fused = ResultFusion.reciprocalRank(List.of(List.of("a", "b", "c"), List.of("c", "a")), 60, 10,
                Comparator.naturalOrder());
        assertEquals(List.of("a", "c", "b"), fused.stream().map(Scored::key).toList());
        assertEquals(1.0 / 61 + 1.0 / 62, fused.get(0).score(), 1e-12);
        assertEquals(1.0 / 63 + 1.0 / 61, fused.get(1).score(), 1e-12);
        assertEquals(1.0 / 62, fused.get(2).score(), 1e-12);
    }

    @Test
    void reciprocalRankBreaksTiesByKeyAndCutsAtSize() {
        // x and y are first in one list each: equal scores, so the tie-break decides.
        List<Scored<String>> fused = ResultFusion.reciprocalRank(List.of(List.of("y"), List.of("x")), 1, 1, Comparator.naturalOrder());
        assertEquals(List.of("x"), fused.stream().map(Scored::key).toList());
        assertThrows(IllegalArgumentException.class, () -> ResultFusion.reciprocalRank(List.of(List.of("x")), 0, 1,
                Comparator.<String>naturalOrder()));
    }

    @Test
    void linearNormalisesEachListAndWeighsIt() {
        List<Scored<String>> bm25 = List.of(new Scored<>("a", 12.0), new Scored<>("b", 7.0), new Scored<>("c", 2.0));
        List<Scored<String>> knn = List.of(new Scored<>("c", 0.9), new Scored<>("b", 0.8), new Scored<>("d", 0.5));
        List<Scored<String>> fused = ResultFusion.linear(List.of(bm25, knn), new double[] {1.0, 3.0}, 10, Comparator.naturalOrder());
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
        List<Scored<String>> fused = ResultFusion.linear(List.of(flat), new double[] {0.5}, 10, Comparator.naturalOrder());
        assertEquals(0.5, fused.get(0).score(), 1e-12);
        assertEquals(0.5, fused.get(1).score(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ResultFusion.linear(List.of(flat), new double[] {1, 2}, 10,
                Comparator.<String>naturalOrder()));
    }
}

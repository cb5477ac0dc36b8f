package org.scimoe.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scimoe.training.model.Djl;

/** nDCG@10 of exact cosine kNN on hand-made vectors, checked against values worked out by hand. */
class RetrievalValidationTest {
    @BeforeAll
    static void init() {
        Djl.init();
    }

    // Two queries; q1 points at d1 (then d2, d3), q2 at d3. Lengths differ so cosine, not dot product, must rank.
    private final RetrievalValidation validation = new RetrievalValidation(
            List.of("q1", "q2"), new float[][] {{1, 0}, {0, 5}},
            List.of("d1", "d2", "d3"), new float[][] {{10, 1}, {1, 1}, {0.1f, 3}},
            Map.of("q1", Map.of("d2", 1), "q2", Map.of("d3", 1)));

    @Test
    void meanNdcgOfCosineRankings() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            // q1 ranks d1, d2, d3: its one relevant document is second -> 1 / log2(3); q2 ranks d3 first -> 1
            assertEquals((1 / (Math.log(3) / Math.log(2)) + 1) / 2, validation.ndcg(m, x -> x), 1e-6);
        }
    }

    @Test
    void theHeadIsAppliedToBothSides() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            // keeping the first axis only: every document scores 1 for q1 and 0 for q2 (a zero vector), ties rank in corpus
            // order, so q1's d2 is second and q2's d3 falls to third
            double expected = (1 / (Math.log(3) / Math.log(2)) + 1 / (Math.log(4) / Math.log(2))) / 2;
            assertEquals(expected, validation.ndcg(m, x -> x.get(":, 0:1")), 1e-6);
        }
    }
}

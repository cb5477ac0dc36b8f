package org.scimoe.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scimoe.io.InputException;

class RetrievalMetricsTest {
    // judged: d1 gain 2, d2 gain 1, d3 not relevant (0), d4 not relevant (-1)
    private final Map<String, Integer> judged = Map.of("d1", 2, "d2", 1, "d3", 0, "d4", -1);

    @Test
    void ndcgByHand() {
        // ranking d3, d1, x, d2: DCG = 2/log2(3) + 1/log2(5) = 1.26186 + 0.43068 = 1.69254
        // ideal d1, d2:          IDCG = 2/log2(2) + 1/log2(3) = 2 + 0.63093 = 2.63093
        assertEquals(1.69254 / 2.63093, RetrievalMetrics.ndcg(List.of("d3", "d1", "x", "d2"), judged, 10), 1e-5);
        assertEquals(1.0, RetrievalMetrics.ndcg(List.of("d1", "d2", "d3"), judged, 10), 1e-12);
        assertEquals(2 / Math.log(3) * Math.log(2) / 2.63093, RetrievalMetrics.ndcg(List.of("d3", "d1", "x", "d2"), judged, 2), 1e-5);
        assertEquals(0, RetrievalMetrics.ndcg(List.of("d3", "d4"), judged, 10));
    }

    @Test
    void recallAndReciprocalRankByHand() {
        assertEquals(0.5, RetrievalMetrics.recall(List.of("d4", "d2", "d3"), judged, 100));
        assertEquals(0.5, RetrievalMetrics.recall(List.of("d1", "x", "d2"), judged, 2));
        assertEquals(1.0 / 3, RetrievalMetrics.reciprocalRank(List.of("d3", "d4", "d2", "d1"), judged, 10), 1e-12);
        assertEquals(0, RetrievalMetrics.reciprocalRank(List.of("d3", "d4", "d2"), judged, 2));
    }

    @Test
    void qrelsWithHeaderAreReadAndBadLinesNamed(@TempDir Path tmp) throws Exception {
        Path good = tmp.resolve("good.tsv");
        Files.writeString(good, "query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t0\nq2\td9\t1\n");
        Map<String, Map<String, Integer>> q = BeirCollection.readQrels(good);
        assertEquals(Map.of("d1", 2, "d2", 0), q.get("q1"));
        Path bad = tmp.resolve("bad.tsv");
        Files.writeString(bad, "q1\td1\t2\nq1\td2\tvery\n");
        InputException e = assertThrows(InputException.class, () -> BeirCollection.readQrels(bad));
        assertEquals("bad.tsv:2: score 'very' is not an integer", e.getMessage());
    }
}

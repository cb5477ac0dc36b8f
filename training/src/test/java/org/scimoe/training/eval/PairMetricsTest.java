package org.scimoe.training.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class PairMetricsTest {
    @Test
    void matchesAHandComputedExample() {
        // scores with labels: .9(1) .8(0) .7(1) .6(1) .3(0) .2(0)
        // thresholds: .9 -> F1 2/4; .8 -> 2/5; .7 -> 4/6; .6 -> 6/7 (TP 3, FP 1, FN 0) best; .3 -> 6/8; .2 -> 6/9
        PairMetrics m = PairMetrics.of(new double[] {0.6, 0.9, 0.3, 0.8, 0.2, 0.7}, new int[] {1, 1, 0, 0, 0, 1});
        assertEquals(6.0 / 7, m.f1max(), 1e-12);
        assertEquals(0.6, m.threshold(), 1e-12);
        assertEquals(0.75, m.precision(), 1e-12);
        assertEquals(1.0, m.recall(), 1e-12);
        assertEquals(5.0 / 6, m.accuracy(), 1e-12);
        assertEquals(7.0 / 9, m.rocAuc(), 1e-12); // 7 of 9 positive-negative pairs ordered right
        assertEquals(2.2 / 3, m.meanPositive(), 1e-12);
        assertEquals(1.3 / 3, m.meanNegative(), 1e-12);
        assertEquals(2.2 / 1.3, m.ratio(), 1e-12);
        assertEquals(3, m.positives());
        assertEquals(3, m.negatives());
    }

    @Test
    void tiedScoresSwitchTogetherAndCountHalfInTheAuc() {
        // all scores equal: the only threshold calls everything positive -> F1 = 2*2/(2*2+2) ; AUC 0.5
        PairMetrics m = PairMetrics.of(new double[] {0.5, 0.5, 0.5, 0.5}, new int[] {1, 0, 1, 0});
        assertEquals(4.0 / 6, m.f1max(), 1e-12);
        assertEquals(0.5, m.rocAuc(), 1e-12);
        assertEquals(0.5, m.accuracy(), 1e-12);
    }

    @Test
    void refusesInputItCannotScore() {
        assertThrows(IllegalArgumentException.class, () -> PairMetrics.of(new double[] {0.1, 0.2}, new int[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> PairMetrics.of(new double[] {0.1, 0.2}, new int[] {1, 2}));
    }
}

package org.scimoe.training.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scimoe.training.model.Djl;
import org.scimoe.training.model.ParamGroup;
import org.scimoe.training.model.ParameterStore;

/** The loss, the optimizer and the clipping against values worked out by hand. */
class TrainingMathTest {
    static NDManager manager;

    @BeforeAll
    static void engine() {
        Djl.init();
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** -mean_i log softmax(scale · cos(a_i, p_j))_i, computed in doubles. */
    static double expectedLoss(double[][] a, double[][] p, double scale) {
        double total = 0;
        for (int i = 0; i < a.length; i++) {
            double[] logits = new double[p.length];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < p.length; j++) {
                logits[j] = scale * cos(a[i], p[j]);
                max = Math.max(max, logits[j]);
            }
            double sum = 0;
            for (double l : logits) {
                sum += Math.exp(l - max);
            }
            total += -(logits[i] - max - Math.log(sum));
        }
        return total / a.length;
    }

    static double cos(double[] x, double[] y) {
        double dot = 0;
        double nx = 0;
        double ny = 0;
        for (int k = 0; k < x.length; k++) {
            dot += x[k] * y[k];
            nx += x[k] * x[k];
            ny += y[k] * y[k];
        }
        return dot / Math.sqrt(nx * ny);
    }

    static NDArray array(double[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            for (int k = 0; k < rows[r].length; k++) {
                flat[r * rows[r].length + k] = (float) rows[r][k];
            }
        }
        return manager.create(flat, new Shape(rows.length, rows[0].length));
    }

    @Test
    void mnrLossIsCrossEntropyOverScaledCosines() {
        double[][] a = {{1, 0, 0.5}, {0.2, 1, 0}, {0, 0.3, 2}};
        double[][] p = {{0.9, 0.1, 0.4}, {0, 2, 0.1}, {0.5, 0, 1}};
        float plain = new MultipleNegativesRankingLoss(20f, false).compute(array(a), array(p)).getFloat();
        assertEquals(expectedLoss(a, p, 20), plain, 1e-4);
        float symmetric = new MultipleNegativesRankingLoss(5f, true).compute(array(a), array(p)).getFloat();
        assertEquals((expectedLoss(a, p, 5) + expectedLoss(p, a, 5)) / 2, symmetric, 1e-4);
    }

    @Test
    void knownPositivesLeaveTheNegativesInsteadOfBeingPushedApart() {
        double[][] a = {{1, 0, 0.5}, {0.2, 1, 0}, {0, 0.3, 2}};
        double[][] p = {{0.9, 0.1, 0.4}, {0, 2, 0.1}, {0.5, 0, 1}};
        boolean[] excluded = new boolean[9];
        excluded[0 * 3 + 2] = true; // anchor 0 and positive 2 are similar too: drop that logit from row 0
        float masked = new MultipleNegativesRankingLoss(20f, false).compute(array(a), array(p), excluded).getFloat();
        // by hand: row 0 over columns {0, 1} only, rows 1 and 2 as before
        double row0 = -(20 * cos(a[0], p[0]) - Math.log(Math.exp(20 * cos(a[0], p[0])) + Math.exp(20 * cos(a[0], p[1]))));
        double expected = (row0 + 2 * restRows(a, p)) / 3;
        assertEquals(expected, masked, 1e-4);
        // a mask on the diagonal is ignored: the positive stays the target
        boolean[] diagonal = new boolean[9];
        diagonal[4] = true;
        assertEquals(new MultipleNegativesRankingLoss(20f, false).compute(array(a), array(p)).getFloat(),
                new MultipleNegativesRankingLoss(20f, false).compute(array(a), array(p), diagonal).getFloat(), 1e-6);
    }

    /** Mean loss of rows 1 and 2 over all three columns. */
    private static double restRows(double[][] a, double[][] p) {
        double total = 0;
        for (int i = 1; i < 3; i++) {
            double sum = 0;
            for (int j = 0; j < 3; j++) {
                sum += Math.exp(20 * cos(a[i], p[j]));
            }
            total += -(20 * cos(a[i], p[i]) - Math.log(sum));
        }
        return total / 2;
    }

    @Test
    void adamWFirstStepMovesEachWeightByTheLearningRateAndDecaysMatrices() {
        try (ParameterStore store = new ParameterStore(manager.newSubManager())) {
            NDArray w = store.add("w", manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)), ParamGroup.NEW, true);
            NDArray b = store.add("b", manager.create(new float[] {1, -1}), ParamGroup.NEW, true);
            AdamW adam = new AdamW(store.manager(), 0.9f, 0.999f, 0f, 0.5f);
            try (NDManager scope = store.scope()) {
                // Bias-corrected first step: update = lr · g / |g| = lr · sign(g); matrices also shrink by lr · decay.
                adam.update(store.param("w"), scope.create(new float[] {0.5f, -1, 2, -0.1f}, new Shape(2, 2)), 0.1f, 1);
                adam.update(store.param("b"), scope.create(new float[] {3, -3}), 0.1f, 1);
            }
            assertArrayEquals(new float[] {1 * 0.95f - 0.1f, 2 * 0.95f + 0.1f, 3 * 0.95f - 0.1f, 4 * 0.95f + 0.1f}, w.toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {0.9f, -0.9f}, b.toFloatArray(), 1e-5f, "rank-1 parameters are not decayed");
        }
    }

    @Test
    void clippingScalesAllGradientsByOneFactor() {
        List<NDArray> grads = List.of(manager.create(new float[] {3, 0}), manager.create(new float[] {0, 4}));
        assertEquals(5.0, Gradients.globalNorm(grads), 1e-6);
        Gradients.scale(grads, 0.2f);
        assertEquals(1.0, Gradients.globalNorm(grads), 1e-6);
        assertArrayEquals(new float[] {0.6f, 0}, grads.get(0).toFloatArray(), 1e-6f);
        List<NDArray> bad = List.of(manager.create(new float[] {Float.NaN, 1}));
        assertTrue(Double.isNaN(Gradients.globalNorm(bad)));
        Gradients.clear(bad);
        assertArrayEquals(new float[] {0, 0}, bad.get(0).toFloatArray());
    }
}

package org.scimoe.training.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.scimoe.TestBundles;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.Routing.GatePooling;
import org.scimoe.training.model.Djl;
import org.scimoe.training.model.ModelSpec;
import org.scimoe.training.model.MoeEncoder;
import org.scimoe.training.model.ParameterStore;
import org.scimoe.training.model.SbMoeOptions;

/**
 * Clearing the gradients of a skipped step (a NaN gradient) must leave them in libtorch's own memory.
 * Overwriting them from a Java array made the parameters' gradients live in a Java buffer that was freed
 * with the step's arrays; a later backward then added into freed memory (the round 4–5 SIGSEGVs in an
 * add kernel under backward, each in a run that had skipped a step).
 */
class GradientsTest {
    @Test
    void clearedGradientsStayValidAfterTheirArraysAreClosedAndCollected() {
        Djl.init();
        ModelBundle base = TestBundles.bundle(TestBundles.FP32);
        float[][] a = rows(7);
        float[][] p = rows(11);
        float[][][] after = new float[2][][];
        for (int run = 0; run < 2; run++) {
            ModelSpec spec = ModelSpec.sbMoe(SbMoeOptions.of(4, 64, GatePooling.ALL), false, 3);
            try (MoeEncoder model = MoeEncoder.load(base, spec);
                 Trainer trainer = new Trainer(model, TrainingConfig.defaults().withSchedule(0, 0).withLearningRates(0f, 1e-2f))) {
                assertFalse(trainer.step(new PairBatch.Pooled(a, p)).skipped());
                if (run == 1) { // what a skipped step does, then what a long run does meanwhile: collect and reuse memory
                    ParameterStore params = model.parameters();
                    try (NDManager scope = params.scope()) {
                        List<NDArray> grads = new ArrayList<>();
                        params.trainable().forEach(t -> grads.add(t.array().getGradient()));
                        Gradients.clear(grads);
                    }
                    churn();
                }
                for (int i = 0; i < 3; i++) {
                    assertFalse(trainer.step(new PairBatch.Pooled(p, a)).skipped());
                }
                after[run] = model.parameters().trainable().stream().map(t -> t.array().toFloatArray()).toArray(float[][]::new);
            }
        }
        for (int i = 0; i < after[0].length; i++) {
            assertArrayEquals(after[0][i], after[1][i], 1e-6f, "parameter " + i + " after clearing zero gradients");
        }
    }

    private static float[][] rows(int seed) {
        java.util.Random random = new java.util.Random(seed);
        float[][] out = new float[8][384];
        for (float[] row : out) {
            for (int k = 0; k < row.length; k++) {
                row[k] = (float) random.nextGaussian();
            }
        }
        return out;
    }

    /** Collects garbage and fills reused native memory with junk, so a dangling gradient would read it. */
    private static void churn() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            List<ByteBuffer> junk = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                for (int size : new int[] {256 * 4, 4 * 4, 64 * 384 * 4, 384 * 64 * 4, 384 * 4}) {
                    ByteBuffer b = ByteBuffer.allocateDirect(size);
                    while (b.hasRemaining()) {
                        b.put((byte) 0x7f);
                    }
                    junk.add(b);
                }
            }
            junk.clear();
        }
        System.gc();
    }
}

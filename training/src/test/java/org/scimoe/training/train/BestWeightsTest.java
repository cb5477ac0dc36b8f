package org.scimoe.training.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scimoe.training.model.Djl;
import org.scimoe.training.model.ParamGroup;
import org.scimoe.training.model.ParameterStore;
import org.scimoe.training.onnx.FloatTensor;

/** The best weights by validation loss: per expert when experts are selected alone, else the whole trainable set. */
class BestWeightsTest {
    @BeforeAll
    static void engine() {
        Djl.init();
    }

    private static ParameterStore store() {
        ParameterStore s = new ParameterStore(NDManager.newBaseManager("PyTorch"));
        // two experts of two values each, stacked as the domain experts are; and a frozen weight
        s.add("moe.w", new FloatTensor(new long[] {2, 2}, new float[] {0, 0, 0, 0}), ParamGroup.NEW, true);
        s.add("frozen", new FloatTensor(new long[] {1}, new float[] {7}), ParamGroup.PRETRAINED, false);
        return s;
    }

    private static void set(ParameterStore s, float a, float b) {
        s.setValue("moe.w", new FloatTensor(new long[] {2, 2}, new float[] {a, a, b, b}));
    }

    private static Map<String, Validation.Score> scores(double physics, double computing) {
        return Map.of("physics", new Validation.Score(physics, Double.NaN), "computing", new Validation.Score(computing, Double.NaN),
                Validation.ALL, new Validation.Score((physics + computing) / 2, Double.NaN));
    }

    @Test
    void eachExpertKeepsTheWeightsOfItsOwnBestStep() {
        try (ParameterStore s = store()) {
            BestWeights best = new BestWeights(s, Map.of("physics", 0, "computing", 1));
            best.offer(0, scores(1.0, 1.0));  // untrained: (0, 0)
            set(s, 1, 1);
            best.offer(10, scores(0.8, 1.2)); // physics better, computing worse
            set(s, 2, 2);
            best.offer(20, scores(0.9, 1.1)); // neither beats its best
            best.restore();
            assertArrayEquals(new float[] {1, 1, 0, 0}, s.value("moe.w").values(), "physics from step 10, computing untrained");
            assertEquals(Map.of("physics", 10, "computing", 0), best.bestSteps());
            assertArrayEquals(new float[] {7}, s.value("frozen").values());
        }
    }

    @Test
    void withoutPerExpertSelectionTheBestMeanWins() {
        try (ParameterStore s = store()) {
            BestWeights best = new BestWeights(s, null);
            best.offer(0, scores(1.0, 1.0));
            set(s, 1, 1);
            best.offer(10, scores(0.8, 1.3)); // mean 1.05: worse than untrained
            set(s, 2, 3);
            best.offer(20, scores(0.9, 0.9)); // mean 0.9: best
            set(s, 5, 5);
            best.restore();
            assertArrayEquals(new float[] {2, 2, 3, 3}, s.value("moe.w").values());
            assertEquals(Map.of(Validation.ALL, 20), best.bestSteps());
        }
    }

    @Test
    void aRunThatOnlyGetsWorseEndsWhereItBegan() {
        try (ParameterStore s = store()) {
            BestWeights best = new BestWeights(s, null);
            best.offer(0, scores(1.0, 1.0));
            set(s, 4, 4);
            best.offer(10, scores(1.5, 1.5));
            best.restore();
            assertArrayEquals(new float[] {0, 0, 0, 0}, s.value("moe.w").values());
        }
    }
}

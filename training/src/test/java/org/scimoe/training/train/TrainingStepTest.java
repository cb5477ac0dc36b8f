package org.scimoe.training.train;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scimoe.TestBundles;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.Routing.GatePooling;
import org.scimoe.embed.Role;
import org.scimoe.training.model.Djl;
import org.scimoe.training.model.ModelSpec;
import org.scimoe.training.model.MoeEncoder;
import org.scimoe.training.model.SbMoeOptions;

/**
 * Training steps on real MiniLM and real text pairs (demo abstracts: title → next sentence), kept
 * tiny: a few pairs of at most 32 tokens, one thread.
 */
class TrainingStepTest {
    static ModelBundle base;
    static List<DemoPairs.Pair> pairs;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        Djl.init();
        base = TestBundles.bundle(TestBundles.FP32);
        pairs = DemoPairs.load(8, 23);
    }

    @Test
    void aFewStepsLowerTheLossOfTheSharedModel() {
        PairBatch batch = DemoPairs.batch(DemoPairs.load(12, 16));
        TrainingConfig config = TrainingConfig.defaults().withLearningRates(2e-5f, 1e-3f).withSchedule(0, 0).withMaxTokens(32);
        try (MoeEncoder model = MoeEncoder.load(base, ModelSpec.shared()); Trainer trainer = new Trainer(model, config)) {
            float before = trainer.evaluate(batch);
            StringBuilder log = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                Trainer.StepResult r = trainer.step(batch);
                assertFalse(r.skipped());
                log.append(String.format("step %d loss %.4f |g| %.3f %.2f s; ", r.update(), r.loss(), r.gradNorm(), r.nanos() / 1e9));
            }
            float after = trainer.evaluate(batch);
            System.out.printf("shared MiniLM, %d pairs x <=32 tokens: %s loss %.4f -> %.4f%n", batch.size(), log, before, after);
            assertTrue(before > 0.05, "the batch should not be trivially easy, loss " + before);
            assertTrue(after < before * 0.9, "loss " + before + " -> " + after);
            assertEquals(3, trainer.updates());
            assertEquals(0, trainer.skippedSteps());
        }
    }

    @Test
    void aNonFiniteBatchIsSkippedAndChangesNothing() {
        ModelSpec spec = ModelSpec.sbMoe(SbMoeOptions.of(2, 16, GatePooling.ALL), false, 1);
        try (MoeEncoder model = MoeEncoder.load(base, spec); Trainer trainer = new Trainer(model, TrainingConfig.defaults())) {
            float[][] good = {{1, 0, 0}, {0, 1, 0}};
            float[][] bad = {{Float.NaN, 0, 0}, {0, 1, 0}};
            float[][] a = new float[2][384];
            float[][] p = new float[2][384];
            for (int r = 0; r < 2; r++) {
                System.arraycopy(good[r], 0, a[r], 0, 3);
                System.arraycopy(bad[r], 0, p[r], 0, 3);
            }
            var before = model.parameters().value("sbmoe.gate.weight");
            Trainer.StepResult r = trainer.step(new PairBatch.Pooled(a, p));
            assertTrue(r.skipped());
            assertEquals(1, trainer.skippedSteps());
            assertEquals(0, trainer.updates());
            assertArrayEquals(before.values(), model.parameters().value("sbmoe.gate.weight").values());
            assertFalse(trainer.step(new PairBatch.Pooled(a, a)).skipped(), "a finite batch after a skipped one trains");
        }
    }

    /**
     * The preservation term: an SB-MoE block trained on demo pairs with the vectors of other texts to
     * keep in place moves those texts much less than the same training without the term.
     */
    @Test
    void thePreservationTermKeepsOtherTextsWhereTheBasePutThem() {
        float[][][] drift = new float[2][][];
        for (int run = 0; run < 2; run++) {
            ModelSpec spec = ModelSpec.sbMoe(SbMoeOptions.of(2, 32, GatePooling.ALL), false, 3);
            TrainingConfig config = TrainingConfig.defaults().withMaxTokens(32).withSchedule(0, 0).withLearningRates(0f, 1e-2f)
                    .withPreservation(run == 0 ? 0f : 5f);
            try (MoeEncoder model = MoeEncoder.load(base, spec); Trainer trainer = new Trainer(model, config)) {
                float[][] a = PooledCache.pool(model, trainer.tokenizer(), pairs.stream().map(DemoPairs.Pair::anchor).toList(), Role.QUERY, 4);
                float[][] p = PooledCache.pool(model, trainer.tokenizer(), pairs.stream().map(DemoPairs.Pair::positive).toList(), Role.DOCUMENT, 4);
                List<String> others = DemoPairs.load(8, 5).stream().map(DemoPairs.Pair::positive).toList();
                float[][] keep = PooledCache.pool(model, trainer.tokenizer(), others, Role.DOCUMENT, 4);
                for (int i = 0; i < 20; i++) {
                    assertFalse(trainer.step(new PairBatch.Pooled(a, p, null, keep)).skipped());
                }
                try (ai.djl.ndarray.NDManager scope = model.parameters().scope()) {
                    ai.djl.ndarray.NDArray x = Trainer.matrix(scope, keep);
                    drift[run] = new float[][] {{Trainer.preservation(model.head(x), x).getFloat()}};
                }
            }
        }
        float without = drift[0][0][0];
        float with = drift[1][0][0];
        System.out.printf("mean 1 - cos of kept texts after 20 steps: %.5f without the term, %.5f with it%n", without, with);
        assertTrue(without > 1e-3, "training should move the kept texts when nothing holds them, 1 - cos " + without);
        assertTrue(with < without / 3, "the term should hold them: " + with + " vs " + without);
    }

    @Test
    void aCheckpointRestoresTheTrainedModel() {
        ModelSpec spec = ModelSpec.sbMoe(SbMoeOptions.of(3, 32, GatePooling.TOP1), false, 7);
        List<String> texts = pairs.stream().map(DemoPairs.Pair::anchor).limit(3).toList();
        Path file = tmp.resolve("head.ckpt");
        float[][] trained;
        try (MoeEncoder model = MoeEncoder.load(base, spec); Trainer trainer = new Trainer(model, TrainingConfig.defaults().withMaxTokens(32))) {
            float[][] a = PooledCache.pool(model, trainer.tokenizer(), pairs.stream().map(DemoPairs.Pair::anchor).toList(), Role.QUERY, 4);
            float[][] p = PooledCache.pool(model, trainer.tokenizer(), pairs.stream().map(DemoPairs.Pair::positive).toList(), Role.DOCUMENT, 4);
            for (int i = 0; i < 3; i++) {
                trainer.step(new PairBatch.Pooled(a, p));
            }
            trained = model.embed(trainer.tokenizer(), texts, Role.QUERY, null);
            Checkpoint.save(model.parameters(), file);
        }
        try (MoeEncoder fresh = MoeEncoder.load(base, spec.withSeed(8)); var tokenizer = new org.scimoe.training.model.BatchTokenizer(base, 32)) {
            assertNotEquals(0.0, Djl.maxDiff(trained, fresh.embed(tokenizer, texts, Role.QUERY, null)));
            assertEquals(6, Checkpoint.load(fresh.parameters(), file));
            assertEquals(0.0, Djl.maxDiff(trained, fresh.embed(tokenizer, texts, Role.QUERY, null)));
        }
    }

    @Test
    void theLoopRunsEpochsStopsAtTheLimitAndCheckpoints() {
        ModelSpec spec = ModelSpec.sbMoe(SbMoeOptions.of(2, 16, GatePooling.ALL), false, 3);
        Path file = tmp.resolve("loop.ckpt");
        try (MoeEncoder model = MoeEncoder.load(base, spec); Trainer trainer = new Trainer(model, TrainingConfig.defaults().withMaxTokens(32))) {
            float[][] a = PooledCache.pool(model, trainer.tokenizer(), pairs.stream().map(DemoPairs.Pair::anchor).toList(), Role.QUERY, 8);
            float[][] p = PooledCache.pool(model, trainer.tokenizer(), pairs.stream().map(DemoPairs.Pair::positive).toList(), Role.DOCUMENT, 8);
            List<PairBatch> epoch = List.of(new PairBatch.Pooled(java.util.Arrays.copyOfRange(a, 0, 4), java.util.Arrays.copyOfRange(p, 0, 4)),
                    new PairBatch.Pooled(java.util.Arrays.copyOfRange(a, 4, 8), java.util.Arrays.copyOfRange(p, 4, 8)));
            List<Integer> epochs = new java.util.ArrayList<>();
            TrainingLoop.Summary s = TrainingLoop.run(trainer, e -> epoch, new TrainingLoop.Options(3, 5, 2, file),
                    (e, r) -> epochs.add(e));
            assertEquals(5, s.updates());
            assertEquals(List.of(0, 0, 1, 1, 2), epochs);
            assertTrue(Double.isFinite(s.lastEpochMeanLoss()));
            assertTrue(java.nio.file.Files.exists(file));
            var gate = model.parameters().value("sbmoe.gate.weight");
            try (MoeEncoder fresh = MoeEncoder.load(base, spec.withSeed(4))) {
                Checkpoint.load(fresh.parameters(), file);
                assertArrayEquals(gate.values(), fresh.parameters().value("sbmoe.gate.weight").values(), "the final state is saved");
            }
        }
    }

    @Test
    void aResumedRunContinuesExactlyWhereTheSavedOneWas() {
        ModelSpec spec = ModelSpec.sbMoe(SbMoeOptions.of(2, 16, GatePooling.TOP1), false, 9);
        TrainingConfig config = TrainingConfig.defaults().withSchedule(2, 6).withMaxTokens(32);
        Path file = tmp.resolve("resume.ckpt");
        float[][] a;
        float[][] p;
        float[] uninterrupted;
        try (MoeEncoder model = MoeEncoder.load(base, spec); Trainer trainer = new Trainer(model, config)) {
            a = PooledCache.pool(model, trainer.tokenizer(), pairs.stream().map(DemoPairs.Pair::anchor).toList(), Role.QUERY, 8);
            p = PooledCache.pool(model, trainer.tokenizer(), pairs.stream().map(DemoPairs.Pair::positive).toList(), Role.DOCUMENT, 8);
            PairBatch batch = new PairBatch.Pooled(a, p);
            trainer.step(batch);
            trainer.step(batch);
            trainer.save(file);
            trainer.step(batch);
            trainer.step(batch);
            uninterrupted = model.parameters().value("sbmoe.experts.w1").values();
        }
        try (MoeEncoder model = MoeEncoder.load(base, spec.withSeed(10)); Trainer trainer = new Trainer(model, config)) {
            trainer.resume(file);
            assertEquals(2, trainer.updates());
            trainer.step(new PairBatch.Pooled(a, p));
            trainer.step(new PairBatch.Pooled(a, p));
            assertArrayEquals(uninterrupted, model.parameters().value("sbmoe.experts.w1").values());
        }
    }

    @Test
    void aLoopResumedFromItsCheckpointEndsWhereAnUninterruptedLoopEnds() {
        // the run the trainer command resumes after a crash: the loop passes over the batches already trained on
        ModelSpec spec = ModelSpec.sbMoe(SbMoeOptions.of(2, 16, GatePooling.ALL), false, 5);
        TrainingConfig config = TrainingConfig.defaults().withSchedule(1, 5).withMaxTokens(32);
        Path file = tmp.resolve("loop-resume.ckpt");
        List<PairBatch> epoch;
        float[] uninterrupted;
        try (MoeEncoder model = MoeEncoder.load(base, spec); Trainer trainer = new Trainer(model, config)) {
            float[][] a = PooledCache.pool(model, trainer.tokenizer(), pairs.stream().map(DemoPairs.Pair::anchor).toList(), Role.QUERY, 8);
            float[][] p = PooledCache.pool(model, trainer.tokenizer(), pairs.stream().map(DemoPairs.Pair::positive).toList(), Role.DOCUMENT, 8);
            epoch = List.of(new PairBatch.Pooled(java.util.Arrays.copyOfRange(a, 0, 3), java.util.Arrays.copyOfRange(p, 0, 3)),
                    new PairBatch.Pooled(java.util.Arrays.copyOfRange(a, 3, 6), java.util.Arrays.copyOfRange(p, 3, 6)),
                    new PairBatch.Pooled(java.util.Arrays.copyOfRange(a, 5, 8), java.util.Arrays.copyOfRange(p, 5, 8)));
            TrainingLoop.run(trainer, e -> epoch, new TrainingLoop.Options(3, 5, 0, null), null);
            uninterrupted = model.parameters().value("sbmoe.experts.w1").values();
        }
        try (MoeEncoder model = MoeEncoder.load(base, spec); Trainer trainer = new Trainer(model, config)) {
            TrainingLoop.run(trainer, e -> epoch, new TrainingLoop.Options(3, 2, 0, file), null); // "dies" after 2 updates
        }
        try (MoeEncoder model = MoeEncoder.load(base, spec.withSeed(6)); Trainer trainer = new Trainer(model, config)) {
            trainer.resume(file);
            List<Integer> seen = new java.util.ArrayList<>();
            TrainingLoop.Summary s = TrainingLoop.run(trainer, e -> epoch, new TrainingLoop.Options(3, 5, 0, null), (e, r) -> seen.add(e));
            assertEquals(5, s.updates());
            assertEquals(List.of(0, 1, 1), seen, "the third batch of epoch 0, then epoch 1's first two");
            assertArrayEquals(uninterrupted, model.parameters().value("sbmoe.experts.w1").values());
        }
    }

    @Test
    void theScheduleWarmsUpThenDecays() {
        LearningRateSchedule s = new LearningRateSchedule(4, 12);
        assertEquals(0.25, s.factor(0), 1e-9);
        assertEquals(1.0, s.factor(3), 1e-9);
        assertEquals(1.0, s.factor(4), 1e-9);
        assertEquals(0.5, s.factor(8), 1e-9);
        assertEquals(0.0, s.factor(12), 1e-9);
        assertEquals(1.0, new LearningRateSchedule(0, 0).factor(1000), 1e-9);
    }
}

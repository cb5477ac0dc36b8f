package org.scimoe.training.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scimoe.TestBundles;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.Routing;
import org.scimoe.bundle.Routing.GatePooling;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.Role;
import org.scimoe.training.export.BundleExporter;
import org.scimoe.training.export.MoeBundleBuilder;
import org.scimoe.training.export.MoeRecipe;
import org.scimoe.training.export.TensorArchive;
import org.scimoe.training.model.BatchTokenizer;
import org.scimoe.training.model.Djl;
import org.scimoe.training.model.ModelExport;
import org.scimoe.training.model.ModelSpec;
import org.scimoe.training.model.MoeEncoder;
import org.scimoe.training.model.SbMoeOptions;

/**
 * Trained models exported as bundles serve what the trainer computed: after a few real training
 * steps, the engine's vectors (and, for SB-MoE, its gate weights and chosen expert) equal the DJL
 * forward pass for every domain and for gate routing.
 */
class TrainedExportTest {
    static final List<String> DOMAINS = List.of("medicine", "aeronautics");
    static ModelBundle base;
    static List<DemoPairs.Pair> pairs;
    static List<String> probes;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void load() {
        Djl.init();
        base = TestBundles.bundle(TestBundles.FP32);
        pairs = DemoPairs.load(6, 31);
        probes = List.of("Boundary layer transition on a swept wing.", "Serum cholesterol in middle-aged men.", "Retrieval of documents by index terms.");
    }

    static List<Embedding> engine(ModelBundle bundle, String domain) {
        try (OnnxEncoder encoder = OnnxEncoder.load(bundle, Djl.ENGINE)) {
            return encoder.embed(probes.stream().map(t -> new EmbedInput(t, domain)).toList(), Role.DOCUMENT);
        }
    }

    static float[][] vectors(List<Embedding> e) {
        return e.stream().map(Embedding::vector).toArray(float[][]::new);
    }

    static BundleExporter.Spec spec(String name) {
        return new BundleExporter.Spec(name, "0.0.1", "test export of a trained model", null);
    }

    @Test
    void sharedFineTunedModel() {
        TrainingConfig config = TrainingConfig.defaults().withLearningRates(1e-4f, 1e-3f).withSchedule(0, 0).withMaxTokens(24);
        try (MoeEncoder model = MoeEncoder.load(base, ModelSpec.shared().withTraining(true, true)); Trainer trainer = new Trainer(model, config)) {
            assertFalse(trainer.step(DemoPairs.batch(pairs)).skipped());
            ModelBundle bundle = ModelExport.write(model, null, spec("trained-shared"), tmp.resolve("shared"));
            assertEquals(Routing.Mode.NONE, bundle.manifest().routing().mode());
            try (BatchTokenizer tokenizer = new BatchTokenizer(base, base.manifest().maxTokens())) {
                float[][] djl = model.embed(tokenizer, probes, Role.DOCUMENT, null);
                double diff = Djl.maxDiff(djl, vectors(engine(bundle, null)));
                assertTrue(diff < 1e-4, "max |DJL - engine| = " + diff);
                assertTrue(Djl.maxDiff(djl, vectors(engine(base, null))) > 1e-4, "training should have moved the model");
            }
        }
    }

    @Test
    void domainRoutedWithTrainedEncoderAndExperts() {
        long[] alternate = new long[pairs.size()];
        for (int i = 0; i < alternate.length; i++) {
            alternate[i] = i % 2;
        }
        PairBatch batch = new PairBatch.Texts(pairs.stream().map(DemoPairs.Pair::anchor).toList(),
                pairs.stream().map(DemoPairs.Pair::positive).toList(), alternate, alternate);
        TrainingConfig config = TrainingConfig.defaults().withLearningRates(1e-4f, 1e-3f).withSchedule(0, 0).withMaxTokens(24);
        try (MoeEncoder model = MoeEncoder.load(base, ModelSpec.domainRouted(DOMAINS, Set.of())); Trainer trainer = new Trainer(model, config)) {
            for (int i = 0; i < 2; i++) {
                assertFalse(trainer.step(batch).skipped());
            }
            ModelBundle bundle = ModelExport.write(model, "medicine", spec("trained-domain"), tmp.resolve("domain"));
            assertEquals(Routing.Mode.DOMAIN, bundle.manifest().routing().mode());
            try (BatchTokenizer tokenizer = new BatchTokenizer(base, base.manifest().maxTokens())) {
                float[][] first = null;
                for (int d = 0; d < DOMAINS.size(); d++) {
                    long[] ids = {d, d, d};
                    float[][] djl = model.embed(tokenizer, probes, Role.DOCUMENT, ids);
                    List<Embedding> served = engine(bundle, DOMAINS.get(d));
                    double diff = Djl.maxDiff(djl, vectors(served));
                    assertTrue(diff < 1e-4, "domain " + DOMAINS.get(d) + ": max |DJL - engine| = " + diff);
                    System.out.printf("domain %s export: max |DJL - engine| = %.2e%n", DOMAINS.get(d), diff);
                    served.forEach(e -> assertNotNull(e.domain()));
                    if (first == null) {
                        first = djl;
                    } else {
                        assertTrue(Djl.maxDiff(first, djl) > 1e-4, "trained experts of two domains should differ");
                    }
                }
                assertTrue(Djl.maxDiff(first, vectors(engine(base, null))) > 1e-4, "training should have moved the model");
            }
        }
    }

    @Test
    void sbMoeTop1OnAFrozenEncoderFromCachedVectors() {
        ModelSpec spec = ModelSpec.sbMoe(new SbMoeOptions(3, 32, GatePooling.TOP1, true, 0.1f), false, 5);
        try (MoeEncoder model = MoeEncoder.load(base, spec); Trainer trainer = new Trainer(model, TrainingConfig.defaults().withMaxTokens(32))) {
            float[][] a = PooledCache.pool(model, trainer.tokenizer(), pairs.stream().map(DemoPairs.Pair::anchor).toList(), Role.QUERY, 8);
            float[][] p = PooledCache.pool(model, trainer.tokenizer(), pairs.stream().map(DemoPairs.Pair::positive).toList(), Role.DOCUMENT, 8);
            float before = trainer.evaluate(new PairBatch.Pooled(a, p));
            for (int i = 0; i < 5; i++) {
                assertFalse(trainer.step(new PairBatch.Pooled(a, p)).skipped());
            }
            assertTrue(trainer.evaluate(new PairBatch.Pooled(a, p)) < before, "the head's training should lower the loss");
            // Through the files `train` leaves and `export` reads: recipe + tensor archive, rebuilt on the base bundle.
            Path saved = tmp.resolve("top1-saved");
            ModelExport.save(model, spec("trained-top1"), null, saved, TensorArchive.DType.FLOAT32);
            MoeRecipe recipe = MoeRecipe.read(saved.resolve(MoeRecipe.FILE_NAME));
            assertEquals(MoeRecipe.Design.SB_MOE, recipe.design());
            assertTrue(TensorArchive.read(saved.resolve(recipe.weightsFile())).keySet().stream().noneMatch(k -> k.startsWith("encoder.")),
                    "a frozen encoder adds no encoder weights to the archive");
            ModelBundle rebuilt = MoeBundleBuilder.build(recipe, TensorArchive.read(saved.resolve(recipe.weightsFile())), base, tmp.resolve("top1"));
            checkGateRouted(model, rebuilt, GatePooling.TOP1);
        }
    }

    @Test
    void sbMoeAllWithATrainedEncoder() {
        ModelSpec spec = ModelSpec.sbMoe(new SbMoeOptions(2, 16, GatePooling.ALL, true, 0.1f), true, 3);
        TrainingConfig config = TrainingConfig.defaults().withLearningRates(1e-4f, 1e-3f).withSchedule(0, 0).withMaxTokens(24);
        try (MoeEncoder model = MoeEncoder.load(base, spec); Trainer trainer = new Trainer(model, config)) {
            for (int i = 0; i < 2; i++) {
                assertFalse(trainer.step(DemoPairs.batch(pairs)).skipped());
            }
            checkGateRouted(model, ModelExport.write(model, null, spec("trained-all"), tmp.resolve("all")), GatePooling.ALL);
        }
    }

    /** Engine vectors, gate weights and chosen experts equal the trainer's forward pass. */
    static void checkGateRouted(MoeEncoder model, ModelBundle bundle, GatePooling pooling) {
        assertEquals(Routing.Mode.GATE, bundle.manifest().routing().mode());
        assertEquals(pooling, bundle.manifest().routing().gatePooling());
        List<Embedding> served = engine(bundle, null);
        try (BatchTokenizer tokenizer = new BatchTokenizer(base, base.manifest().maxTokens())) {
            float[][] djl = model.embed(tokenizer, probes, Role.DOCUMENT, null);
            double diff = Djl.maxDiff(djl, vectors(served));
            assertTrue(diff < 1e-4, pooling + ": max |DJL - engine| = " + diff);
            float[][] gates;
            try (NDManager scope = model.parameters().scope()) {
                NDArray g = model.gate(model.pooled(scope, tokenizer.encode(probes, Role.DOCUMENT), null));
                gates = splitRows(g.toFloatArray(), probes.size());
            }
            Set<Integer> chosen = new HashSet<>();
            for (int i = 0; i < probes.size(); i++) {
                assertArrayEquals(gates[i], served.get(i).gateWeights(), 1e-5f, "gate of text " + i);
                int best = 0;
                for (int e = 1; e < gates[i].length; e++) {
                    best = gates[i][e] > gates[i][best] ? e : best;
                }
                assertEquals(best, served.get(i).expert());
                chosen.add(best);
            }
            System.out.printf("%s export: max |DJL - engine| = %.2e, experts chosen %s%n", pooling, diff, chosen);
        }
    }

    static float[][] splitRows(float[] flat, int rows) {
        int d = flat.length / rows;
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = java.util.Arrays.copyOfRange(flat, r * d, (r + 1) * d);
        }
        return out;
    }
}

package org.scimoe.training.train;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scimoe.TestBundles;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.Routing.GatePooling;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;
import org.scimoe.training.eval.PooledHeadEmbedder;
import org.scimoe.training.export.BundleExporter;
import org.scimoe.training.model.Djl;
import org.scimoe.training.model.ModelExport;
import org.scimoe.training.model.ModelSpec;
import org.scimoe.training.model.MoeEncoder;
import org.scimoe.training.model.SbMoeOptions;

/**
 * Tests of a block on pooled vectors are tests of the served model: the base's pooled vectors with the
 * identity equal the base bundle's vectors, and with a trained SB-MoE block they equal the exported
 * bundle's, for both roles; the pool cache file serves a second run without pooling again.
 */
class PooledHeadEmbedderTest {
    @TempDir
    Path tmp;

    @Test
    void pooledVectorsWithTheBlockEqualTheExportedBundle() {
        Djl.init();
        ModelBundle base = TestBundles.bundle(TestBundles.FP32);
        List<DemoPairs.Pair> pairs = DemoPairs.load(6, 31);
        List<String> probes = List.of("Boundary layer transition on a swept wing.", "Serum cholesterol in middle-aged men.",
                "Retrieval of documents by index terms.");
        Path cache = tmp.resolve("pooled.bin");
        PrintWriter log = new PrintWriter(new StringWriter());
        PooledTexts pooled = new PooledTexts(cache, (texts, role) -> PooledCache.poolWithEngine(base, texts, role, Djl.ENGINE, n -> {}), log);
        ModelSpec spec = ModelSpec.sbMoe(new SbMoeOptions(2, 32, GatePooling.ALL, true, 0.1f), false, 5);
        TrainingConfig config = TrainingConfig.defaults().withLearningRates(1e-4f, 1e-2f).withSchedule(0, 0);
        try (MoeEncoder model = MoeEncoder.load(base, spec); Trainer trainer = new Trainer(model, config)) {
            float[][] a = pooled.byText(pairs.stream().map(DemoPairs.Pair::anchor).toList(), Role.QUERY);
            float[][] p = pooled.byText(pairs.stream().map(DemoPairs.Pair::positive).toList(), Role.DOCUMENT);
            for (int i = 0; i < 5; i++) {
                assertFalse(trainer.step(new PairBatch.Pooled(a, p)).skipped());
            }
            ModelBundle exported = ModelExport.write(model, null, new BundleExporter.Spec("pooled-check", "0.0.1", null, null), tmp.resolve("b"));
            PooledHeadEmbedder identity = new PooledHeadEmbedder(base.manifest(), pooled, x -> x, model.parameters()::scope);
            PooledHeadEmbedder block = new PooledHeadEmbedder(base.manifest(), pooled, model::head, model.parameters()::scope);
            for (Role role : Role.values()) {
                float[][] viaIdentity = vectors(identity, probes, role);
                float[][] viaBlock = vectors(block, probes, role);
                assertTrue(Djl.maxDiff(viaIdentity, served(base, probes, role)) < 1e-5, role + ": identity head vs the base bundle");
                assertTrue(Djl.maxDiff(viaBlock, served(exported, probes, role)) < 1e-4, role + ": block vs the exported bundle");
                assertTrue(Djl.maxDiff(viaBlock, viaIdentity) > 1e-3, role + ": the trained block should move the vectors");
            }
        }
        PooledTexts reread = new PooledTexts(cache, (texts, role) -> fail("every text is in the cache file, yet " + texts.size() + " were pooled"), log);
        assertEquals(3, reread.byText(probes, Role.DOCUMENT).length);
    }

    /** A CLS-pooling base (bge-small): the trainer pools token 0 as the engine does, and the SB-MoE graph does too. */
    @Test
    void aClsPoolingBaseTrainsAndExportsWithItsOwnPooling() {
        Djl.init();
        ModelBundle base = TestBundles.bundle("bge-small-en-v1.5");
        assertEquals(org.scimoe.bundle.Pooling.CLS, base.manifest().pooling());
        List<DemoPairs.Pair> pairs = DemoPairs.load(6, 31);
        List<String> probes = List.of("Boundary layer transition on a swept wing.", "Serum cholesterol in middle-aged men.");
        PooledTexts pooled = new PooledTexts(null, (texts, role) -> PooledCache.poolWithEngine(base, texts, role, Djl.ENGINE, n -> {}),
                new PrintWriter(new StringWriter()));
        ModelSpec spec = ModelSpec.sbMoe(new SbMoeOptions(2, 32, GatePooling.ALL, true, 0.1f), false, 5);
        TrainingConfig config = TrainingConfig.defaults().withLearningRates(1e-4f, 1e-2f).withSchedule(0, 0);
        try (MoeEncoder model = MoeEncoder.load(base, spec); Trainer trainer = new Trainer(model, config)) {
            // the trainer's own forward pools like the engine (the identity head: an untrained block is not the identity)
            try (org.scimoe.training.model.BatchTokenizer tokenizer = new org.scimoe.training.model.BatchTokenizer(base, base.manifest().maxTokens());
                 ai.djl.ndarray.NDManager scope = model.parameters().scope()) {
                ai.djl.ndarray.NDArray x = model.pooled(scope, tokenizer.encode(probes, Role.DOCUMENT), null);
                float[][] djl = org.scimoe.training.model.MoeEncoder.rows(x.div(x.norm(new int[] {-1}, true)));
                assertTrue(Djl.maxDiff(djl, served(base, probes, Role.DOCUMENT)) < 1e-4, "CLS pooling in the trainer vs the engine");
            }
            float[][] a = pooled.byText(pairs.stream().map(DemoPairs.Pair::anchor).toList(), Role.QUERY);
            float[][] p = pooled.byText(pairs.stream().map(DemoPairs.Pair::positive).toList(), Role.DOCUMENT);
            for (int i = 0; i < 3; i++) {
                assertFalse(trainer.step(new PairBatch.Pooled(a, p)).skipped());
            }
            ModelBundle exported = ModelExport.write(model, null, new BundleExporter.Spec("cls-check", "0.0.1", null, null), tmp.resolve("cls"));
            PooledHeadEmbedder block = new PooledHeadEmbedder(base.manifest(), pooled, model::head, model.parameters()::scope);
            for (Role role : Role.values()) { // bge prefixes queries: both roles
                assertTrue(Djl.maxDiff(vectors(block, probes, role), served(exported, probes, role)) < 1e-4, role + ": CLS + block vs the bundle");
            }
        }
    }

    @Test
    void aPoolingCutShortKeepsTheFinishedPartsInTheCacheFile() {
        Path cache = tmp.resolve("parts.bin");
        PrintWriter log = new PrintWriter(new StringWriter());
        List<String> texts = List.of("a", "b", "c", "d", "e");
        int[] calls = {0};
        PooledTexts dying = new PooledTexts(cache, (part, role) -> {
            if (++calls[0] == 3) {
                throw new IllegalStateException("the process dies here");
            }
            return part.stream().map(t -> new float[] {t.charAt(0), 1}).toArray(float[][]::new);
        }, log, 2);
        assertThrows(IllegalStateException.class, () -> dying.byText(texts, Role.DOCUMENT));
        java.util.List<String> pooledAgain = new java.util.ArrayList<>();
        PooledTexts resumed = new PooledTexts(cache, (part, role) -> {
            pooledAgain.addAll(part);
            return part.stream().map(t -> new float[] {t.charAt(0), 1}).toArray(float[][]::new);
        }, log, 2);
        float[][] vectors = resumed.byText(texts, Role.DOCUMENT);
        assertEquals(List.of("e"), pooledAgain, "the two saved parts (a-b, c-d) are not pooled again");
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(new float[] {texts.get(i).charAt(0), 1}, vectors[i]);
        }
        assertFalse(java.nio.file.Files.exists(tmp.resolve("parts.bin.partial")), "the file is written beside and moved over");
    }

    private static float[][] vectors(TextEmbedder embedder, List<String> texts, Role role) {
        return embedder.embed(texts.stream().map(EmbedInput::of).toList(), role).stream().map(Embedding::vector).toArray(float[][]::new);
    }

    private static float[][] served(ModelBundle bundle, List<String> texts, Role role) {
        try (OnnxEncoder encoder = OnnxEncoder.load(bundle, Djl.ENGINE)) {
            return vectors(encoder, texts, role);
        }
    }
}

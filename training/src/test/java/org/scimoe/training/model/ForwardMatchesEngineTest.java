package org.scimoe.training.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scimoe.TestBundles;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.Role;

/**
 * The trainer's forward pass is the served model: real MiniLM weights read from the bundle's ONNX
 * graph, run on DJL's PyTorch engine, give the engine's vectors (mean-pooled, unit length) for texts
 * of different lengths in one padded batch; and domain experts copied from the pretrained FFN change
 * nothing before training.
 */
class ForwardMatchesEngineTest {
    static final List<String> TEXTS = List.of(
            "Boundary layer transition on a swept wing.",
            "Serum cholesterol and coronary heart disease in middle-aged men: a ten-year follow-up.",
            "A compiler for recursive procedures.",
            "Indexing.");

    static ModelBundle base;
    static MoeEncoder shared;
    static BatchTokenizer tokenizer;

    @BeforeAll
    static void load() {
        Djl.init();
        base = TestBundles.bundle(TestBundles.FP32);
        shared = MoeEncoder.load(base, ModelSpec.shared());
        tokenizer = new BatchTokenizer(base, base.manifest().maxTokens());
    }

    @AfterAll
    static void close() {
        shared.close();
        tokenizer.close();
    }

    static float[][] engine(ModelBundle bundle, List<String> texts, String domain) {
        try (OnnxEncoder encoder = OnnxEncoder.load(bundle, Djl.ENGINE)) {
            return encoder.embed(texts.stream().map(t -> new EmbedInput(t, domain)).toList(), Role.DOCUMENT).stream()
                    .map(Embedding::vector).toArray(float[][]::new);
        }
    }

    @Test
    void theConfigurationIsReadFromTheGraph() {
        BertConfig c = shared.config();
        assertEquals(new BertConfig(30522, 512, 2, 384, 12, 1536, 6, 1e-12f), c);
    }

    @Test
    void djlForwardEqualsTheEngine() {
        float[][] djl = shared.embed(tokenizer, TEXTS, Role.DOCUMENT, null);
        float[][] ort = engine(base, TEXTS, null);
        double diff = Djl.maxDiff(djl, ort);
        assertTrue(diff < 1e-4, "max |DJL - engine| = " + diff);
        System.out.printf("base MiniLM: max |DJL - engine| = %.2e over %d texts%n", diff, TEXTS.size());
        for (float[] v : djl) {
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            assertEquals(1.0, Math.sqrt(norm), 1e-5);
        }
    }

    @Test
    void domainExpertsAtInitEqualThePlainModel() {
        float[][] plain = shared.embed(tokenizer, TEXTS, Role.DOCUMENT, null);
        try (MoeEncoder routed = MoeEncoder.load(base, ModelSpec.domainRouted(List.of("a", "b"), Set.of()))) {
            assertEquals(Set.of(3), routed.domainExperts().keySet(), "the default expert layer is the middle one");
            for (long domain : new long[] {0, 1}) {
                float[][] v = routed.embed(tokenizer, TEXTS, Role.DOCUMENT, new long[] {domain, domain, 1 - domain, domain});
                assertEquals(0.0, Djl.maxDiff(plain, v), 1e-6, "domain " + domain);
            }
        }
        try (MoeEncoder everyLayer = MoeEncoder.load(base, ModelSpec.domainRouted(List.of("a", "b", "c"), Set.of(0, 1, 2, 3, 4, 5)))) {
            assertEquals(6, everyLayer.domainExperts().size());
            float[][] v = everyLayer.embed(tokenizer, TEXTS, Role.DOCUMENT, new long[] {2, 0, 1, 2});
            assertEquals(0.0, Djl.maxDiff(plain, v), 1e-6, "experts in every layer");
        }
    }

    @Test
    void batchesOfSimilarLengthGiveTheVectorsInTheCallersOrder() {
        float[][] oneBatch = shared.embed(tokenizer, TEXTS, Role.DOCUMENT, null, 8);
        float[][] pairs = shared.embed(tokenizer, TEXTS, Role.DOCUMENT, null, 2);
        assertTrue(Djl.maxDiff(oneBatch, pairs) < 1e-5, "padding to another length must not change a vector");
        assertEquals(List.of(List.of(3, 2), List.of(0, 1)),
                LengthBatches.plan(TEXTS, 2).stream().map(b -> java.util.Arrays.stream(b).boxed().toList()).toList());
    }

    @Test
    void dropoutActsOnlyWhenARateIsGiven() {
        TokenBatch batch = tokenizer.encode(TEXTS, Role.DOCUMENT);
        try (ai.djl.ndarray.NDManager scope = shared.parameters().scope()) {
            float[] a = shared.pooled(scope, batch, null, 0.1f).toFloatArray();
            float[] b = shared.pooled(scope, batch, null, 0.1f).toFloatArray();
            float[] c = shared.pooled(scope, batch, null).toFloatArray();
            float[] d = shared.pooled(scope, batch, null, 0f).toFloatArray();
            assertFalse(java.util.Arrays.equals(a, b), "two training passes draw different dropout masks");
            assertArrayEquals(c, d, "inference has no dropout");
        }
    }

    @Test
    void badDomainIdsAreRejected() {
        try (MoeEncoder routed = MoeEncoder.load(base, ModelSpec.domainRouted(List.of("a", "b"), Set.of(3)))) {
            var e = assertThrows(org.scimoe.ScimoeException.class, () -> routed.embed(tokenizer, TEXTS.subList(0, 2), Role.DOCUMENT, new long[] {0, 2}));
            assertTrue(e.getMessage().contains("domain id 2"), e.getMessage());
            assertThrows(org.scimoe.ScimoeException.class, () -> routed.embed(tokenizer, TEXTS.subList(0, 2), Role.DOCUMENT, null));
        }
        assertThrows(org.scimoe.ScimoeException.class, () -> MoeEncoder.load(base, ModelSpec.domainRouted(List.of("a"), Set.of(6))));
    }
}

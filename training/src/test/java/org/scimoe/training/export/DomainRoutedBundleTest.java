package org.scimoe.training.export;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scimoe.TestBundles;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.Routing;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.InvalidInputException;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.Role;
import org.scimoe.runtime.DeviceRequest;
import org.scimoe.training.onnx.BertGraph;
import org.scimoe.training.onnx.FfnWeights;
import org.scimoe.training.onnx.FloatTensor;
import org.scimoe.training.onnx.OnnxGraph;

/**
 * Domain-routed inference end to end: real MiniLM, one FFN extended to one expert per domain,
 * exported, loaded by the engine. The reference for each domain is an independent dense graph with
 * that domain's expert written in place of the FFN: the routed bundle must equal it.
 */
class DomainRoutedBundleTest {
    static final List<String> DOMAINS = List.of("aeronautics", "medicine", "computing");
    static final int LAYER = 3;
    static final EncoderOptions CPU = EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU).withThreads(2);
    static final List<String> TEXTS = List.of(
            "Boundary layer transition on a swept wing at supersonic speed.",
            "Serum cholesterol and coronary heart disease in middle-aged men.",
            "A compiler for a block-structured language with recursive procedures.",
            "The effect of heparin on clotting time was measured in 40 patients with deep vein thrombosis.");

    @TempDir
    static Path tmp;
    static ModelBundle base;
    static List<FfnWeights> experts;
    static ModelBundle routed;

    @BeforeAll
    static void export() {
        base = TestBundles.bundle(TestBundles.FP32);
        FfnWeights pretrained = new BertGraph(OnnxGraph.read(base.modelPath())).ffn(LAYER);
        experts = new ArrayList<>();
        for (int d = 0; d < DOMAINS.size(); d++) {
            experts.add(d == 0 ? pretrained : perturbed(pretrained, d)); // expert 0 stays pretrained
        }
        routed = MoeExports.domainRouted(base, DOMAINS, "medicine", Map.of(LAYER, experts), null,
                new BundleExporter.Spec("test-domain-moe", "0.0.1", "test", null), tmp.resolve("routed"));
    }

    /** The pretrained FFN plus seeded noise (~5 % of the weights' scale), as training would move it. */
    static FfnWeights perturbed(FfnWeights w, int seed) {
        Random random = new Random(seed);
        FfnWeights copy = w.copy();
        for (FloatTensor t : List.of(copy.w1(), copy.w2(), copy.b1())) {
            float[] v = t.values();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (random.nextGaussian() * 0.005);
            }
        }
        return copy;
    }

    static List<Embedding> embed(ModelBundle bundle, String domain) {
        try (OnnxEncoder encoder = OnnxEncoder.load(bundle, CPU)) {
            return encoder.embed(TEXTS.stream().map(t -> new EmbedInput(t, domain)).toList(), Role.DOCUMENT);
        }
    }

    static double maxDiff(List<Embedding> a, List<Embedding> b) {
        double max = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int k = 0; k < a.get(i).vector().length; k++) {
                max = Math.max(max, Math.abs(a.get(i).vector()[k] - b.get(i).vector()[k]));
            }
        }
        return max;
    }

    @Test
    void eachDomainEqualsTheDenseModelWithItsExpert() {
        for (int d = 0; d < DOMAINS.size(); d++) {
            ModelBundle dense = MoeExports.withFfn(base, Map.of(LAYER, experts.get(d)),
                    new BundleExporter.Spec("dense-" + d, "0.0.1", null, null), tmp.resolve("dense-" + d));
            List<Embedding> viaRouting = embed(routed, DOMAINS.get(d));
            assertTrue(maxDiff(viaRouting, embed(dense, null)) < 1e-5, "domain " + DOMAINS.get(d));
            for (Embedding e : viaRouting) {
                assertEquals(DOMAINS.get(d), e.domain());
                assertEquals(d, e.expert());
            }
        }
    }

    @Test
    void thePretrainedExpertReproducesTheBaseEncoderAndOtherExpertsDiffer() {
        assertTrue(maxDiff(embed(routed, "aeronautics"), embed(base, null)) < 1e-5);
        double apart = maxDiff(embed(routed, "medicine"), embed(routed, "computing"));
        assertTrue(apart > 1e-3, "experts of different domains should give different vectors, max diff " + apart);
    }

    @Test
    void aMixedCallRoutesEachTextToItsOwnExpertAndKeepsOrder() {
        try (OnnxEncoder encoder = OnnxEncoder.load(routed, CPU)) {
            List<EmbedInput> inputs = new ArrayList<>();
            for (int i = 0; i < TEXTS.size(); i++) {
                inputs.add(new EmbedInput(TEXTS.get(i), DOMAINS.get(i % DOMAINS.size())));
            }
            List<Embedding> mixed = encoder.embed(inputs, Role.DOCUMENT);
            for (int i = 0; i < TEXTS.size(); i++) {
                Embedding alone = encoder.embedOne(TEXTS.get(i), DOMAINS.get(i % DOMAINS.size()), Role.DOCUMENT);
                assertArrayEquals(alone.vector(), mixed.get(i).vector(), 1e-5f, "text " + i);
                assertEquals(DOMAINS.get(i % DOMAINS.size()), mixed.get(i).domain());
            }
            // No domain: the manifest's default; an unknown one: an error that names the field and lists the domains.
            assertEquals("medicine", encoder.embedOne(TEXTS.get(1), null, Role.QUERY).domain());
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> encoder.embedOne(TEXTS.get(0), "astrology", Role.QUERY));
            assertEquals("domain", e.field());
            assertTrue(e.getMessage().contains("astrology") && e.getMessage().contains("computing"), e.getMessage());
        }
    }

    @Test
    void everyLayerCanCarryExperts() {
        OnnxGraph graph = OnnxGraph.read(base.modelPath());
        BertGraph bert = new BertGraph(graph);
        Map<Integer, List<FfnWeights>> all = new java.util.HashMap<>();
        Map<Integer, FfnWeights> secondExpert = new java.util.HashMap<>();
        for (int layer = 0; layer < bert.layers(); layer++) {
            FfnWeights pretrained = bert.ffn(layer);
            FfnWeights other = perturbed(pretrained, 100 + layer);
            all.put(layer, List.of(pretrained, other));
            secondExpert.put(layer, other);
        }
        assertEquals(6, bert.layers());
        ModelBundle everyLayer = MoeExports.domainRouted(base, List.of("a", "b"), null, all, null,
                new BundleExporter.Spec("all-layers", "0.0.1", null, null), tmp.resolve("all-layers"));
        ModelBundle dense = MoeExports.withFfn(base, secondExpert, new BundleExporter.Spec("dense-b", "0.0.1", null, null), tmp.resolve("dense-b"));
        assertTrue(maxDiff(embed(everyLayer, "b"), embed(dense, null)) < 1e-5);
        assertTrue(maxDiff(embed(everyLayer, "a"), embed(base, null)) < 1e-5);
    }

    @Test
    void theManifestDescribesTheRouting() {
        Routing routing = routed.manifest().routing();
        assertEquals(Routing.Mode.DOMAIN, routing.mode());
        assertEquals(MoeExports.DOMAIN_INPUT, routing.input());
        assertEquals(DOMAINS, routing.domainNames());
        assertEquals("medicine", routing.defaultDomain());
        assertDoesNotThrow(routed::verifyChecksum);
    }
}

package org.scimoe.training.export;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scimoe.TestBundles;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.Role;
import org.scimoe.io.AbstractsFile;
import org.scimoe.lucene.AbstractDoc;
import org.scimoe.training.onnx.BertGraph;
import org.scimoe.training.onnx.DomainRouter;
import org.scimoe.training.onnx.FfnWeights;
import org.scimoe.training.onnx.OnnxGraph;

/**
 * A domain-routed bundle with a router takes texts without a domain: fitted on half of the demo
 * abstracts (four domains) from the states entering the expert layer, it routes the other half,
 * says which domain it chose, and the vector equals the one made with that domain given explicitly.
 */
class DomainRouterBundleTest {
    static final List<String> DOMAINS = List.of("aeronautics", "medicine", "information-science", "computing");
    static final int LAYER = 3;

    @TempDir
    Path tmp;

    @Test
    void routesUnlabelledTextsToTheirDomainInTheSamePass() {
        ModelBundle base = TestBundles.bundle(TestBundles.FP32);
        List<AbstractDoc> docs = AbstractsFile.readAll(Path.of("../demo/abstracts.jsonl"));
        List<AbstractDoc> fit = new ArrayList<>();
        List<AbstractDoc> held = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            (i % 2 == 0 ? fit : held).add(docs.get(i));
        }
        ModelBundle probe = MoeExports.layerInputProbe(base, LAYER, tmp.resolve("probe"));
        List<float[]> vectors;
        List<float[]> heldVectors;
        try (OnnxEncoder encoder = OnnxEncoder.load(probe, DomainRoutedBundleTest.CPU)) {
            vectors = encoder.embed(fit.stream().map(d -> EmbedInput.of(d.embeddingText())).toList(), Role.DOCUMENT)
                    .stream().map(Embedding::vector).toList();
            heldVectors = encoder.embed(held.stream().map(d -> EmbedInput.of(d.embeddingText())).toList(), Role.DOCUMENT)
                    .stream().map(Embedding::vector).toList();
        }
        int[] labels = fit.stream().mapToInt(d -> DOMAINS.indexOf(d.domain())).toArray();
        DomainRouter router = DomainRouter.nearestCentroid(vectors, labels, DOMAINS.size(), 20f);

        FfnWeights pretrained = new BertGraph(OnnxGraph.read(base.modelPath())).ffn(LAYER);
        List<FfnWeights> experts = new ArrayList<>();
        for (int d = 0; d < DOMAINS.size(); d++) {
            experts.add(DomainRoutedBundleTest.perturbed(pretrained, 40 + d));
        }
        ModelBundle routed = MoeExports.domainRouted(base, DOMAINS, null, Map.of(LAYER, experts), router,
                new BundleExporter.Spec("test-router", "0.0.1", null, null), tmp.resolve("routed"));
        assertEquals(DomainRouter.OUTPUT, routed.manifest().routing().routerOutput());

        try (OnnxEncoder encoder = OnnxEncoder.load(routed, DomainRoutedBundleTest.CPU)) {
            List<Embedding> auto = encoder.embed(held.stream().map(d -> EmbedInput.of(d.embeddingText())).toList(), Role.DOCUMENT);
            int right = 0;
            for (int i = 0; i < held.size(); i++) {
                Embedding e = auto.get(i);
                assertNotNull(e.domain(), "the router must say which domain it chose");
                assertEquals(DOMAINS.indexOf(e.domain()), e.expert());
                // the router's Java-side choice (used to measure it in training) agrees with the graph's
                assertEquals(e.expert(), router.choose(heldVectors.get(i)), "text " + i);
                float sum = 0;
                for (float w : e.gateWeights()) {
                    sum += w;
                }
                assertEquals(1f, sum, 1e-4f);
                if (e.domain().equals(held.get(i).domain())) {
                    right++;
                }
            }
            // 89/100 measured: the misses are CACM papers on indexing and abstracting, which read as information science
            assertTrue(right >= 0.85 * held.size(), "router accuracy " + right + "/" + held.size());
            // the same texts with the chosen domain given explicitly: identical vectors
            List<Embedding> explicit = encoder.embed(java.util.stream.IntStream.range(0, held.size())
                    .mapToObj(i -> new EmbedInput(held.get(i).embeddingText(), auto.get(i).domain())).toList(), Role.DOCUMENT);
            for (int i = 0; i < held.size(); i++) {
                assertArrayEquals(explicit.get(i).vector(), auto.get(i).vector(), 1e-5f, "text " + i);
                assertEquals(auto.get(i).domain(), explicit.get(i).domain());
            }
            // a probe cut from the routed bundle itself (how a trained model's router is fitted) needs no domain input
            ModelBundle reprobe = MoeExports.layerInputProbe(routed, LAYER, tmp.resolve("reprobe"));
            try (OnnxEncoder probeAgain = OnnxEncoder.load(reprobe, DomainRoutedBundleTest.CPU)) {
                assertArrayEquals(vectors.get(0), probeAgain.embedOne(fit.get(0).embeddingText(), null, Role.DOCUMENT).vector(), 1e-4f);
            }
            // an explicit domain wins over the router, even a wrong one
            Embedding forced = encoder.embedOne(held.get(0).embeddingText(), "aeronautics", Role.DOCUMENT);
            assertEquals("aeronautics", forced.domain());
        }
    }
}

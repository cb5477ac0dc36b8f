package org.scimoe.training.export;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scimoe.TestBundles;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.bundle.ManifestWriter;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.OutputKind;
import org.scimoe.bundle.Routing;
import org.scimoe.bundle.Routing.GatePooling;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.Role;
import org.scimoe.runtime.DeviceRequest;
import org.scimoe.training.onnx.FfnWeights;
import org.scimoe.training.onnx.FloatTensor;
import org.scimoe.training.onnx.SbMoeHead;

/**
 * Gate-routed (SB-MoE) inference end to end: real MiniLM with the SB-MoE block appended, exported,
 * loaded by the engine, against the block computed here in plain Java on the base encoder's
 * un-normalised mean-pooled vectors.
 */
class SbMoeBundleTest {
    static final EncoderOptions CPU = EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU).withThreads(2);
    static final int EXPERTS = 3;
    static final int HIDDEN = 32;
    static final List<String> TEXTS = DomainRoutedBundleTest.TEXTS;

    @TempDir
    static Path tmp;
    static ModelBundle base;
    static List<float[]> pooled;

    @BeforeAll
    static void pooledBaseVectors() throws Exception {
        base = TestBundles.bundle(TestBundles.FP32);
        // The base encoder without its final normalisation: the vectors the block sees.
        Path dir = Files.createDirectories(tmp.resolve("unnormalised"));
        Files.createSymbolicLink(dir.resolve("model.onnx"), base.modelPath().toAbsolutePath());
        Files.createSymbolicLink(dir.resolve("tokenizer.json"), base.tokenizerPath().toAbsolutePath());
        BundleManifest m = base.manifest();
        ManifestWriter.write(new BundleManifest(m.format(), "unnormalised", m.version(), null, m.baseModel(), m.modelFile(),
                m.tokenizerFile(), m.modelSha256(), m.precision(), m.dimensions(), m.pooling(), false, m.maxTokens(), m.queryPrefix(),
                m.documentPrefix(), m.inputs(), m.output(), m.routing(), null), dir.resolve(BundleManifest.FILE_NAME));
        try (OnnxEncoder encoder = OnnxEncoder.load(ModelBundle.open(dir), CPU)) {
            pooled = encoder.embed(TEXTS.stream().map(EmbedInput::of).toList(), Role.DOCUMENT).stream().map(Embedding::vector).toList();
        }
    }

    static SbMoeHead head(GatePooling pooling, boolean residual, long seed) {
        Random r = new Random(seed);
        int d = 384;
        List<FfnWeights> experts = new ArrayList<>();
        for (int e = 0; e < EXPERTS; e++) {
            experts.add(new FfnWeights(random(r, 0.1, d, HIDDEN), random(r, 0.1, HIDDEN), random(r, 0.1, HIDDEN, d), random(r, 0.05, d)));
        }
        // A strong gate so that texts pick different experts.
        return new SbMoeHead(random(r, 1.0, d, EXPERTS), random(r, 0.1, EXPERTS), experts, pooling, residual);
    }

    static FloatTensor random(Random r, double scale, long... shape) {
        FloatTensor t = FloatTensor.zeros(shape);
        for (int i = 0; i < t.values().length; i++) {
            t.values()[i] = (float) (r.nextGaussian() * scale);
        }
        return t;
    }

    @Test
    void top1AndAllMatchTheBlockComputedByHand() {
        for (GatePooling pooling : GatePooling.values()) {
            for (boolean residual : new boolean[] {true, false}) {
                SbMoeHead head = head(pooling, residual, 11);
                ModelBundle bundle = MoeExports.sbMoe(base, head, new BundleExporter.Spec("sbmoe-" + pooling + "-" + residual, "0.0.1", null, null),
                        tmp.resolve("sbmoe-" + pooling + "-" + residual));
                assertEquals(OutputKind.SENTENCE_EMBEDDING, bundle.manifest().output().kind());
                assertEquals(Routing.Mode.GATE, bundle.manifest().routing().mode());
                assertEquals(pooling, bundle.manifest().routing().gatePooling());
                assertEquals(EXPERTS, bundle.manifest().routing().experts());
                List<Embedding> out;
                try (OnnxEncoder encoder = OnnxEncoder.load(bundle, CPU)) {
                    out = encoder.embed(TEXTS.stream().map(EmbedInput::of).toList(), Role.DOCUMENT);
                }
                java.util.Set<Integer> chosen = new java.util.HashSet<>();
                for (int i = 0; i < TEXTS.size(); i++) {
                    SbMoeReference.Result expected = SbMoeReference.forward(head, pooled.get(i));
                    assertArrayEquals(expected.gate(), out.get(i).gateWeights(), 1e-5f, pooling + " gate, text " + i);
                    assertArrayEquals(expected.normalised(), out.get(i).vector(), 1e-4f, pooling + " residual=" + residual + ", text " + i);
                    assertEquals(expected.best(), out.get(i).expert());
                    chosen.add(out.get(i).expert());
                }
                assertTrue(chosen.size() > 1, "the test's gate should send texts to different experts, chose " + chosen);
            }
        }
    }
}

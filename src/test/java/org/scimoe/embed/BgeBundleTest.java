package org.scimoe.embed;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.scimoe.TestBundles;
import org.scimoe.bundle.Pooling;
import org.scimoe.runtime.DeviceRequest;

/** The optional BGE bundle (int8 here, for speed): CLS pooling, 512 tokens, and its query instruction. */
class BgeBundleTest {
    @Test
    void clsPoolingQueryInstructionAndRetrieval() {
        try (OnnxEncoder bge = OnnxEncoder.load(TestBundles.bundle("bge-small-en-v1.5-q"),
                EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU).withThreads(2))) {
            assertEquals(Pooling.CLS, bge.manifest().pooling());
            assertEquals(512, bge.manifest().maxTokens());
            String text = "Heparin prolongs the clotting time of blood.";
            Embedding asDocument = bge.embedOne(text, null, Role.DOCUMENT);
            Embedding asQuery = bge.embedOne(text, null, Role.QUERY);
            // the query instruction is part of the input: more tokens, another vector
            assertTrue(asQuery.tokens() > asDocument.tokens() + 5, asQuery.tokens() + " vs " + asDocument.tokens());
            assertTrue(dot(asQuery.vector(), asDocument.vector()) < 0.999);

            List<String> docs = List.of(
                    "Boundary layer transition on swept wings at supersonic Mach numbers.",
                    "Anticoagulant therapy with heparin in patients with venous thrombosis.",
                    "A one-pass compiler for a block-structured programming language.");
            List<Embedding> d = bge.embed(docs.stream().map(EmbedInput::of).toList(), Role.DOCUMENT);
            float[] q = bge.embedOne("drugs that stop blood from clotting", null, Role.QUERY).vector();
            int best = 0;
            for (int i = 1; i < d.size(); i++) {
                if (dot(q, d.get(i).vector()) > dot(q, d.get(best).vector())) {
                    best = i;
                }
            }
            assertEquals(1, best);
            assertEquals(1f, (float) Math.sqrt(dot(q, q)), 1e-4f);
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}

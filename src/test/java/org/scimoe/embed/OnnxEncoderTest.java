package org.scimoe.embed;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.scimoe.TestBundles;

class OnnxEncoderTest {
    private static final String LENS = "The crystalline lens of the vertebrate eye changes with age.";
    private static final String SHORT = "Lift and drag of a swept wing.";
    private static final String LONG = "Measurements of boundary layer transition on a flat plate in supersonic flow at Mach numbers "
            + "between two and four, with heat transfer to the wall and varying leading edge bluntness.";

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void sentenceAloneEqualsSentenceInPaddedBatch() {
        OnnxEncoder encoder = TestBundles.fp32();
        float[] alone = encoder.embedOne(SHORT, null, Role.DOCUMENT).vector();
        List<Embedding> batch = encoder.embed(List.of(EmbedInput.of(LONG), EmbedInput.of(SHORT), EmbedInput.of(LENS)), Role.DOCUMENT);
        assertTrue(batch.get(1).tokens() < batch.get(0).tokens(), "the short text is padded in this batch");
        assertEquals(384, alone.length);
        for (int i = 0; i < alone.length; i++) {
            assertEquals(alone[i], batch.get(1).vector()[i], 1e-5, "dimension " + i);
        }
    }

    @Test
    void sleepingInferenceThreadsGiveTheSameVectors() {
        // a node turns ONNX Runtime's spin-waiting off (scimoe.inference.spinning); the session option must not change results
        try (OnnxEncoder sleeping = OnnxEncoder.load(TestBundles.bundle(TestBundles.FP32),
                EncoderOptions.DEFAULTS.withDevice(org.scimoe.runtime.DeviceRequest.CPU).withThreads(2).withSpinning(false))) {
            assertArrayEquals(TestBundles.fp32().embedOne(LENS, null, Role.DOCUMENT).vector(),
                    sleeping.embedOne(LENS, null, Role.DOCUMENT).vector(), 1e-6f);
        }
    }

    @Test
    void resultsComeBackInCallerOrderWhateverTheBatching() {
        OnnxEncoder encoder = TestBundles.fp32();
        List<EmbedInput> inputs = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            inputs.add(EmbedInput.of(i % 3 == 0 ? LONG : i % 3 == 1 ? SHORT : LENS + " " + i));
        }
        List<Embedding> together = encoder.embed(inputs, Role.DOCUMENT);
        for (int i = 0; i < inputs.size(); i++) {
            float[] alone = encoder.embedOne(inputs.get(i).text(), null, Role.DOCUMENT).vector();
            assertEquals(1.0, cosine(alone, together.get(i).vector()), 1e-6, "input " + i);
        }
    }

    @Test
    void vectorsAreUnitLengthAndMeaningful() {
        OnnxEncoder encoder = TestBundles.fp32();
        float[] lens = encoder.embedOne(LENS, null, Role.DOCUMENT).vector();
        float[] query = encoder.embedOne("ageing of the eye lens", null, Role.QUERY).vector();
        float[] wing = encoder.embedOne(SHORT, null, Role.DOCUMENT).vector();
        assertEquals(1.0, cosine(lens, lens), 1e-6);
        double norm = 0;
        for (float x : lens) {
            norm += x * x;
        }
        assertEquals(1.0, Math.sqrt(norm), 1e-5);
        assertTrue(cosine(query, lens) > cosine(query, wing) + 0.2, "a related text is much closer than an unrelated one");
    }

    @Test
    void longTextIsTruncatedAtTheManifestLimitAndSaysSo() {
        OnnxEncoder encoder = TestBundles.fp32();
        String words = "turbulent boundary layer separation ".repeat(200); // ~800 word pieces
        Embedding e = encoder.embedOne(words, null, Role.DOCUMENT);
        assertTrue(e.truncated());
        assertEquals(256, e.tokens(), "manifest maxTokens (256), not tokenizer.json's 128");
        Embedding shortOne = encoder.embedOne(SHORT, null, Role.DOCUMENT);
        assertFalse(shortOne.truncated());
        long before = encoder.stats().truncated();
        String megabyte = "a".repeat(10) + " lens ".repeat(170_000);
        Embedding big = encoder.embedOne(megabyte, null, Role.DOCUMENT);
        assertTrue(big.truncated());
        assertEquals(256, big.tokens());
        assertEquals(before + 1, encoder.stats().truncated());
    }

    @Test
    void emptyOrMissingTextIsRejectedWithTheFieldNamed() {
        OnnxEncoder encoder = TestBundles.fp32();
        InvalidInputException empty = assertThrows(InvalidInputException.class,
                () -> encoder.embed(List.of(EmbedInput.of(SHORT), EmbedInput.of("  ")), Role.DOCUMENT));
        assertEquals("text", empty.field());
        assertTrue(empty.getMessage().contains("input 1"), empty.getMessage());
        InvalidInputException missing = assertThrows(InvalidInputException.class, () -> encoder.check(EmbedInput.of(null)));
        assertEquals("text: is missing", missing.getMessage());
    }

    @Test
    void int8IsCloseToFp32() {
        float[] fp32 = TestBundles.fp32().embedOne(LENS, null, Role.DOCUMENT).vector();
        float[] int8 = TestBundles.int8().embedOne(LENS, null, Role.DOCUMENT).vector();
        double c = cosine(fp32, int8);
        assertTrue(c > 0.95 && c < 0.99999, "int8 is an approximation of fp32: cosine " + c);
    }

    @Test
    void statsCountTextsAndBatches() {
        OnnxEncoder encoder = TestBundles.int8();
        EncoderStats before = encoder.stats();
        encoder.embed(List.of(EmbedInput.of(SHORT), EmbedInput.of(LENS), EmbedInput.of(LONG)), Role.DOCUMENT);
        EncoderStats after = encoder.stats();
        assertEquals(3, after.texts() - before.texts());
        assertEquals(1, after.batches() - before.batches());
        assertTrue(after.inferenceNanos() > before.inferenceNanos());
    }
}

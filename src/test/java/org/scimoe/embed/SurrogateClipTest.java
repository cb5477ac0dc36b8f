package org.scimoe.embed;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.scimoe.TestBundles;

/**
 * Before tokenising, the engine clips very long texts to maxTokens x 128 UTF-16 units. A cut inside a
 * surrogate pair (emoji, mathematical letters) must not spoil the text: the tokens before the cut are
 * what the model sees, as for any other long text.
 */
class SurrogateClipTest {
    private static final String EMOJI = "\uD83D\uDE00"; // one code point, two UTF-16 units

    /**
     * A text longer than the clip: 100 words, then space-separated emoji up to past the clip point,
     * shifted by {@code shift} units so that the clip lands on the first or the second half of a pair.
     */
    private static String longText(int shift, int clipAt) {
        StringBuilder b = new StringBuilder("lens ".repeat(100)).append("x".repeat(shift));
        while (b.length() < clipAt + 10) {
            b.append(' ').append(EMOJI);
        }
        return b.toString();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aCutInsideOrBesideASurrogatePairKeepsTheText(int shift) {
        OnnxEncoder encoder = TestBundles.fp32();
        int clipAt = encoder.manifest().maxTokens() * TextTokenizer.CHARS_PER_TOKEN_LIMIT;
        String text = longText(shift, clipAt);
        assertTrue(text.length() > clipAt, "the text is clipped before tokenising");
        Embedding clipped = encoder.embedOne(text, null, Role.DOCUMENT);
        assertTrue(clipped.truncated());
        assertEquals(encoder.manifest().maxTokens(), clipped.tokens(), "the clipped text still fills the model's window");
        // the model's window holds the same first 256 tokens as a short prefix of the text that is never clipped
        Embedding prefix = encoder.embedOne(text.substring(0, text.offsetByCodePoints(0, 1_500)), null, Role.DOCUMENT);
        assertTrue(prefix.truncated());
        assertArrayEquals(prefix.vector(), clipped.vector(), 1e-5f);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void clipNeverSplitsAPair(int shift) {
        String text = "a".repeat(shift) + EMOJI.repeat(20);
        for (int max = 2; max < text.length(); max++) {
            String clipped = TextTokenizer.clip(text, max);
            assertTrue(clipped.length() == max || clipped.length() == max - 1, "at most one unit less than asked");
            assertFalse(Character.isHighSurrogate(clipped.charAt(clipped.length() - 1)), "no lone high surrogate at " + max);
            assertEquals(text.substring(0, clipped.length()), clipped);
        }
        assertSame(text, TextTokenizer.clip(text, text.length()));
    }
}

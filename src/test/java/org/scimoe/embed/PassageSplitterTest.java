package org.scimoe.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scimoe.TestBundles;
import org.scimoe.embed.PassageSplitter.Passage;

/** The real MiniLM tokenizer: passages within the token budget, cut between words, overlapping, bounded memory. */
class PassageSplitterTest {
    private static PassageSplitter splitter;
    private static OnnxEncoder encoder;

    @BeforeAll
    static void load() {
        splitter = PassageSplitter.forBundle(TestBundles.bundle("minilm-l6-v2-q"));
        encoder = TestBundles.int8();
    }

    @AfterAll
    static void close() {
        splitter.close();
    }

    private static String sentences(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("Sentence number ").append(i).append(" describes the boundary-layer transition of flow ").append(i % 7).append(". ");
        }
        return b.toString();
    }

    @Test
    void passagesFitTheModelWindowAndCoverTheTextBetweenWords() {
        String text = sentences(120);
        List<Passage> passages = splitter.split(text, 64, 16, 1000);
        assertTrue(passages.size() > 5, "a long text gives several passages: " + passages.size());
        List<String> texts = passages.stream().map(p -> p.text(text)).toList();
        List<Embedding> embedded = encoder.embed(texts.stream().map(EmbedInput::of).toList(), Role.DOCUMENT);
        for (int i = 0; i < passages.size(); i++) {
            Passage p = passages.get(i);
            assertTrue(embedded.get(i).tokens() <= 64, "passage " + i + " has " + embedded.get(i).tokens() + " tokens");
            assertFalse(embedded.get(i).truncated(), "passage " + i + " was truncated");
            // Whole words: a passage neither starts nor ends inside a word.
            assertTrue(p.offset() == 0 || !Character.isLetterOrDigit(text.charAt(p.offset() - 1)), "starts inside a word: " + texts.get(i));
            int end = p.offset() + p.length();
            assertTrue(end == text.length() || !Character.isLetterOrDigit(text.charAt(end)), "ends inside a word: " + texts.get(i));
        }
        // Consecutive passages overlap (16 tokens of context) and together reach the end of the text.
        for (int i = 1; i < passages.size(); i++) {
            Passage prev = passages.get(i - 1);
            Passage next = passages.get(i);
            assertTrue(next.offset() > prev.offset(), "passages advance");
            assertTrue(next.offset() < prev.offset() + prev.length(), "passage " + i + " overlaps the previous one");
        }
        assertEquals(text.strip().length(), passages.get(passages.size() - 1).offset() + passages.get(passages.size() - 1).length());
        assertEquals(0, passages.get(0).offset());
    }

    @Test
    void withoutOverlapPassagesFollowEachOther() {
        String text = sentences(40);
        List<Passage> passages = splitter.split(text, 32, 0, 1000);
        for (int i = 1; i < passages.size(); i++) {
            Passage prev = passages.get(i - 1);
            assertTrue(passages.get(i).offset() >= prev.offset() + prev.length());
            assertTrue(text.substring(prev.offset() + prev.length(), passages.get(i).offset()).isBlank(), "only whitespace between passages");
        }
    }

    @Test
    void offsetsAreJavaStringIndicesAlsoAfterCharactersOutsideTheBmp() {
        String text = "The constant \uD835\uDEFC (mathematical alpha) is small. " + sentences(30) + " Final word zygote.";
        List<Passage> passages = splitter.split(text, 32, 4, 1000);
        Passage last = passages.get(passages.size() - 1);
        assertTrue(last.text(text).endsWith("zygote."), last.text(text));
        assertTrue(passages.get(0).text(text).startsWith("The constant"), passages.get(0).text(text));
    }

    @Test
    void aTenMegabyteTextIsSplitInBoundedMemoryAndMaxPassagesStopsEarly() {
        String text = sentences(140_000); // about 10 MB
        assertTrue(text.length() > 10_000_000, "length " + text.length());
        List<Passage> first = splitter.split(text, 256, 32, 50);
        assertEquals(50, first.size());
        List<Passage> all = splitter.split(text, 256, 0, Integer.MAX_VALUE);
        Passage last = all.get(all.size() - 1);
        assertEquals(text.strip().length(), last.offset() + last.length(), "the passages reach the end of the text");
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> splitter.split("text", 2, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> splitter.split("text", 64, 62, 10));
        assertTrue(splitter.split("   ", 64, 0, 10).isEmpty());
    }
}

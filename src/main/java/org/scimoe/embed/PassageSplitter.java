package org.scimoe.embed;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.scimoe.ScimoeException;
import org.scimoe.bundle.BundleException;
import org.scimoe.bundle.ModelBundle;

/**
 * Splits a long text into passages of at most {@code maxTokens} tokens of the bundle's own tokenizer
 * (the model's special tokens included), cut between words, consecutive passages sharing about
 * {@code overlapTokens} tokens of context. Passages are character ranges of the text, so they can be
 * shown and embedded as they are.
 * <p>
 * Memory stays bounded whatever the length: the text is tokenised in segments of at most
 * {@link #SEGMENT_CHARS} characters cut at whitespace, and only the words of the passage being built
 * are kept. A word longer than a whole passage becomes a passage of its own (the encoder truncates it).
 * Thread-safe.
 */
public final class PassageSplitter implements AutoCloseable {
    /** A passage: {@code length} characters from {@code offset} of the text. */
    public record Passage(int offset, int length) {
        public String text(String of) {
            return of.substring(offset, offset + length);
        }
    }

    /** Characters tokenised at a time: the tokenizer's buffers stay small for a text of any length. */
    static final int SEGMENT_CHARS = 16_384;
    /** [CLS] and [SEP] (BERT-style models) take two of each passage's tokens. */
    static final int SPECIAL_TOKENS = 2;

    private record Word(int start, int end, int tokens) {}

    private final HuggingFaceTokenizer tokenizer;

    private PassageSplitter(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public static PassageSplitter forBundle(ModelBundle bundle) {
        return load(bundle.tokenizerPath());
    }

    static PassageSplitter load(Path tokenizerJson) {
        // Same class-loader care as TextTokenizer: inside a plugin DJL finds its native library only this way.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(PassageSplitter.class.getClassLoader());
        try {
            return new PassageSplitter(HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build());
        } catch (Exception e) {
            throw new BundleException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        } catch (Throwable t) {
            throw new ScimoeException("the HuggingFace tokenizer library could not start (" + t + ")", t);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * The passages of {@code text}, in order, at most {@code maxPassages} of them (the rest of the text
     * is left out; check whether the last passage reaches the end). Empty for a text without words.
     */
    public List<Passage> split(String text, int maxTokens, int overlapTokens, int maxPassages) {
        int budget = maxTokens - SPECIAL_TOKENS;
        if (budget < 1) {
            throw new IllegalArgumentException("max_tokens must be more than " + SPECIAL_TOKENS + ", not " + maxTokens);
        }
        if (overlapTokens < 0 || overlapTokens >= budget) {
            throw new IllegalArgumentException("overlap_tokens must be at least 0 and less than max_tokens - " + SPECIAL_TOKENS
                    + " (" + budget + "), not " + overlapTokens);
        }
        Packer packer = new Packer(budget, overlapTokens, maxPassages);
        int start = 0;
        while (start < text.length() && !packer.full()) {
            int end = segmentEnd(text, start);
            words(text, start, end, packer);
            start = end;
        }
        packer.finish();
        return packer.passages;
    }

    /** Where the segment from {@code start} ends: at most SEGMENT_CHARS later, after a whitespace if there is one. */
    private static int segmentEnd(String text, int start) {
        int limit = Math.min(text.length(), start + SEGMENT_CHARS);
        if (limit == text.length()) {
            return limit;
        }
        for (int i = limit; i > start + SEGMENT_CHARS / 2; i--) {
            if (Character.isWhitespace(text.charAt(i - 1))) {
                return i;
            }
        }
        // No whitespace in the second half: cut anyway, but not inside a surrogate pair.
        return Character.isLowSurrogate(text.charAt(limit)) ? limit - 1 : limit;
    }

    /**
     * Feeds the words of {@code text[from, to)} to the packer. A word is a run of characters without
     * whitespace ("boundary-layer", "TNF-alpha,"): the tokenizer's own pre-tokens split at punctuation,
     * and a passage should not end in the middle of a hyphenated term.
     */
    private void words(String text, int from, int to, Packer packer) {
        String segment = text.substring(from, to);
        Encoding encoding = tokenizer.encode(segment, false, false);
        CharSpan[] spans = encoding.getCharTokenSpans();
        int[] utf16 = utf16Offsets(segment);
        int start = -1;
        int end = -1;
        int tokens = 0;
        for (int i = 0; i < spans.length && !packer.full(); i++) {
            int s = utf16 == null ? spans[i].getStart() : utf16[spans[i].getStart()];
            int e = utf16 == null ? spans[i].getEnd() : utf16[spans[i].getEnd()];
            if (tokens > 0 && s > end && hasWhitespace(segment, end, s)) {
                packer.add(new Word(from + start, from + end, tokens));
                tokens = 0;
            }
            if (tokens == 0) {
                start = s;
            }
            end = Math.max(end, e);
            tokens++;
        }
        if (tokens > 0 && !packer.full()) {
            packer.add(new Word(from + start, from + end, tokens));
        }
    }

    private static boolean hasWhitespace(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The tokenizer's offsets count code points; Java strings count UTF-16 units. Null when they agree
     * (no character outside the BMP), else the UTF-16 index of every code point offset.
     */
    private static int[] utf16Offsets(String segment) {
        int codePoints = segment.codePointCount(0, segment.length());
        if (codePoints == segment.length()) {
            return null;
        }
        int[] map = new int[codePoints + 1];
        int index = 0;
        for (int cp = 0; cp < codePoints; cp++) {
            map[cp] = index;
            index += Character.charCount(segment.codePointAt(index));
        }
        map[codePoints] = segment.length();
        return map;
    }

    /** Builds passages from a stream of words, keeping only the current passage's words. */
    private static final class Packer {
        final int budget;
        final int overlap;
        final int maxPassages;
        final List<Passage> passages = new ArrayList<>();
        final Deque<Word> current = new ArrayDeque<>();
        int tokens;
        /** Words of the current passage that were carried over from the previous one (not new text). */
        int carried;

        Packer(int budget, int overlap, int maxPassages) {
            this.budget = budget;
            this.overlap = overlap;
            this.maxPassages = maxPassages;
        }

        boolean full() {
            return passages.size() >= maxPassages;
        }

        void add(Word w) {
            if (!current.isEmpty() && tokens + w.tokens() > budget) {
                emit();
                carryOverlap();
                if (full()) {
                    return;
                }
                while (!current.isEmpty() && tokens + w.tokens() > budget) { // a long word: less context, never too long
                    tokens -= current.removeFirst().tokens();
                    carried--;
                }
            }
            current.addLast(w);
            tokens += w.tokens();
        }

        void finish() {
            if (current.size() > carried && !full()) {
                emit();
            }
        }

        private void emit() {
            int start = current.getFirst().start();
            int end = current.getLast().end();
            passages.add(new Passage(start, end - start));
        }

        /** Keeps the last words, up to {@code overlap} tokens, as the start of the next passage. */
        private void carryOverlap() {
            Deque<Word> kept = new ArrayDeque<>();
            int keptTokens = 0;
            for (var it = current.descendingIterator(); it.hasNext(); ) {
                Word w = it.next();
                if (keptTokens + w.tokens() > overlap) {
                    break;
                }
                kept.addFirst(w);
                keptTokens += w.tokens();
            }
            current.clear();
            current.addAll(kept);
            tokens = keptTokens;
            carried = kept.size();
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

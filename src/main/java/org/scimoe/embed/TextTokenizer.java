package org.scimoe.embed;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import org.scimoe.ScimoeException;
import org.scimoe.bundle.BundleException;

/**
 * The bundle's HuggingFace tokenizer, truncating at the manifest's max tokens (not at whatever
 * tokenizer.json says: MiniLM's file says 128, the model was trained at 256) and reporting when it did.
 */
final class TextTokenizer implements AutoCloseable {
    /**
     * Characters kept per allowed token before tokenising: bounds the work on megabyte-long texts.
     * WordPiece turns a word of more than 100 characters into one [UNK], so 128 characters per token
     * lies beyond the truncation point of any text but ones made of long runs of whitespace.
     */
    static final int CHARS_PER_TOKEN_LIMIT = 128;

    /** One tokenised text: ids, attention mask and token types, unpadded. */
    record Tokens(long[] ids, long[] mask, long[] types, boolean truncated) {
        int length() {
            return ids.length;
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final int maxChars;

    TextTokenizer(Path tokenizerJson, int maxTokens) {
        this.maxChars = Math.multiplyExact(maxTokens, CHARS_PER_TOKEN_LIMIT);
        // DJL finds its native library through the context class loader; inside a plugin class loader
        // (Elasticsearch) the default one does not see it, and the failure sticks for the JVM's life.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(TextTokenizer.class.getClassLoader());
        try {
            this.tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(maxTokens)
                    .optPadding(false)
                    .build();
        } catch (Exception e) {
            throw new BundleException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        } catch (Throwable t) { // native loading fails with Errors; keep them from killing a server thread
            throw new ScimoeException("the HuggingFace tokenizer library could not start (" + t + ")", t);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    Tokens[] encode(String[] texts) {
        String[] clipped = new String[texts.length];
        boolean[] cut = new boolean[texts.length];
        for (int i = 0; i < texts.length; i++) {
            cut[i] = texts[i].length() > maxChars;
            clipped[i] = cut[i] ? clip(texts[i], maxChars) : texts[i];
        }
        Encoding[] encodings = tokenizer.batchEncode(clipped);
        Tokens[] out = new Tokens[texts.length];
        for (int i = 0; i < encodings.length; i++) {
            Encoding e = encodings[i];
            out[i] = new Tokens(e.getIds(), e.getAttentionMask(), e.getTypeIds(), cut[i] || e.exceedMaxLength());
        }
        return out;
    }

    /**
     * The text's first {@code maxChars} UTF-16 units, one fewer when the cut would split a surrogate
     * pair: the tokenizer drops everything after a lone surrogate (an emoji text became 3 tokens).
     */
    static String clip(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return text.substring(0, end);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

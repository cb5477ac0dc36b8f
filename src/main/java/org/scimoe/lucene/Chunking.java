package org.scimoe.lucene;

import org.scimoe.embed.PassageSplitter;

/**
 * How {@link AbstractIndexWriter} cuts documents into passages: the embedded text (title + text, as
 * {@link org.scimoe.embed.DocumentText} joins them) is split by {@code splitter} into passages of at most
 * {@code maxTokens} tokens, each sharing about {@code overlapTokens} with the previous one, at most
 * {@code maxPassages} per document (the rest of the text is left out and the document counted as
 * truncated). The same splitter and settings as the Elasticsearch processor's {@code chunking}. The
 * caller owns (and closes) the splitter.
 */
public record Chunking(PassageSplitter splitter, int maxTokens, int overlapTokens, int maxPassages) {
    /** The Elasticsearch processor's default too. */
    public static final int DEFAULT_MAX_PASSAGES = 1000;

    public Chunking {
        if (splitter == null) {
            throw new IllegalArgumentException("a splitter is required");
        }
        if (maxTokens <= 2) {
            throw new IllegalArgumentException("passages must be more than 2 tokens, not " + maxTokens);
        }
        if (overlapTokens < 0 || overlapTokens >= maxTokens - 2) {
            throw new IllegalArgumentException("the overlap must be at least 0 and less than the passage tokens - 2 ("
                    + (maxTokens - 2) + "), not " + overlapTokens);
        }
        if (maxPassages < 1) {
            throw new IllegalArgumentException("at most passages per document must be at least 1, not " + maxPassages);
        }
    }

    /** What the commit records: {@code "<maxTokens>/<overlapTokens>"}. */
    String label() {
        return maxTokens + "/" + overlapTokens;
    }
}

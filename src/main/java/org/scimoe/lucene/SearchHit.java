package org.scimoe.lucene;

/**
 * One result: the document's stored fields and its score under the search mode (cosine, BM25 or RRF).
 * On a chunked index a kNN (or hybrid) hit also carries the document's best passage; otherwise
 * {@code passage} is null.
 */
public record SearchHit(String id, String title, String text, String domain, float score, Passage passage) {

    public SearchHit(String id, String title, String text, String domain, float score) {
        this(id, title, text, domain, score, null);
    }

    /**
     * The passage that scored the document: {@code length} characters from {@code offset} of the
     * embedded text (title + " " + text, as {@link org.scimoe.embed.DocumentText} joins them), that text
     * ({@code text}), and its cosine score against the query.
     */
    public record Passage(int offset, int length, String text, float score) {}
}

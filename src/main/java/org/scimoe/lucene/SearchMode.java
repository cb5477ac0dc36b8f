package org.scimoe.lucene;

import java.util.Locale;
import org.scimoe.ScimoeException;

/** kNN over the embeddings, BM25 over the words, or both fused by reciprocal rank. */
public enum SearchMode {
    KNN, BM25, HYBRID;

    public static SearchMode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ScimoeException("mode must be knn, bm25 or hybrid, not '" + value + "'");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

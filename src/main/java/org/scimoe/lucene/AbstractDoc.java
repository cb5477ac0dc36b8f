package org.scimoe.lucene;

import org.scimoe.embed.DocumentText;

/** A scientific abstract to index. {@code title} and {@code domain} may be null. */
public record AbstractDoc(String id, String title, String text, String domain) {

    /** What the encoder sees (and BM25 indexes): title and text as {@link DocumentText} joins them. */
    public String embeddingText() {
        return DocumentText.of(title, text);
    }
}

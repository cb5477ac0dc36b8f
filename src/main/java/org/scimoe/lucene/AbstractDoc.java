package org.scimoe.lucene;

/** A scientific abstract to index. {@code title} and {@code domain} may be null. */
public record AbstractDoc(String id, String title, String text, String domain) {

    /** What the encoder sees: title and text, as BEIR embeds documents. */
    public String embeddingText() {
        if (title == null || title.isBlank()) {
            return text;
        }
        return text == null || text.isBlank() ? title : title + " " + text;
    }
}

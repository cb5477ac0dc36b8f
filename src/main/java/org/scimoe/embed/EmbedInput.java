package org.scimoe.embed;

/**
 * One text to embed and, for domain-routed bundles, the domain whose expert should encode it
 * (null: the bundle's default domain, or an error when it has none).
 */
public record EmbedInput(String text, String domain) {
    public static EmbedInput of(String text) {
        return new EmbedInput(text, null);
    }

    /** Throws {@link InvalidInputException} naming the field when {@code input} has no text to embed. */
    public static void requireText(EmbedInput input) {
        if (input == null || input.text() == null) {
            throw new InvalidInputException("text", "is missing");
        }
        if (input.text().isBlank()) {
            throw new InvalidInputException("text", "is empty");
        }
    }
}

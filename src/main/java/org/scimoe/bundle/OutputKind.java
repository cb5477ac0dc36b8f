package org.scimoe.bundle;

/** What the bundle's embedding output holds. */
public enum OutputKind {
    /** [batch, tokens, dims]: the engine pools. */
    TOKEN_EMBEDDINGS,
    /** [batch, dims]: pooling happened inside the graph (e.g. an SB-MoE block after the last layer). */
    SENTENCE_EMBEDDING;

    static OutputKind parse(String value) {
        for (OutputKind k : values()) {
            if (k.name().equalsIgnoreCase(value)) {
                return k;
            }
        }
        throw new BundleException("output.kind must be 'token_embeddings' or 'sentence_embedding', not '" + value + "'");
    }
}

package org.scimoe.bundle;

/** How token states become one vector. Ignored when the graph already outputs a sentence embedding. */
public enum Pooling {
    /** Average of the token states under the attention mask (sentence-transformers' default). */
    MEAN,
    /** The first token's state ([CLS]), as BGE-style encoders expect. */
    CLS;

    static Pooling parse(String value) {
        for (Pooling p : values()) {
            if (p.name().equalsIgnoreCase(value)) {
                return p;
            }
        }
        throw new BundleException("pooling must be 'mean' or 'cls', not '" + value + "'");
    }
}

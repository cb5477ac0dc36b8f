package org.scimoe.elasticsearch.search;

import java.util.Locale;

/** How {@code scimoe_hybrid} fuses its sub-retrievers' results. */
public enum FusionMethod {
    /** Reciprocal rank fusion: ranks only, no score calibration needed. */
    RRF,
    /** Weighted sum of each list's min-max normalised scores. */
    LINEAR;

    static FusionMethod parse(String value) {
        for (FusionMethod m : values()) {
            if (m.toString().equals(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("[" + HybridRetrieverBuilder.NAME + "] method must be rrf or linear, not [" + value + "]");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

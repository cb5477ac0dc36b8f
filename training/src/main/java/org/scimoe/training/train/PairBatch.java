package org.scimoe.training.train;

import java.util.List;

/**
 * One batch of (anchor, positive) pairs; every other pair's positive is a negative for an anchor.
 * Either texts (with, for a domain-routed model, each side's expert id) or, for a frozen encoder,
 * pooled vectors computed once ({@link PooledCache}).
 */
public sealed interface PairBatch {

    int size();

    /** [rows × rows] row-major, true where anchor i and positive j (i ≠ j) are a known positive pair too; or null. */
    boolean[] excluded();

    /** @param anchorDomains, positiveDomains expert id per text, or null when the model does not route by domain */
    record Texts(List<String> anchors, List<String> positives, long[] anchorDomains, long[] positiveDomains, boolean[] excluded)
            implements PairBatch {
        public Texts(List<String> anchors, List<String> positives, long[] anchorDomains, long[] positiveDomains) {
            this(anchors, positives, anchorDomains, positiveDomains, null);
        }

        public Texts {
            anchors = List.copyOf(anchors);
            positives = List.copyOf(positives);
            if (anchors.size() != positives.size() || anchors.size() < 2) {
                throw new IllegalArgumentException("a batch needs at least 2 pairs with one positive per anchor, got "
                        + anchors.size() + " anchors and " + positives.size() + " positives");
            }
            if ((anchorDomains != null && anchorDomains.length != anchors.size())
                    || (positiveDomains != null && positiveDomains.length != positives.size())) {
                throw new IllegalArgumentException("one domain id per text is needed");
            }
        }

        public Texts(List<String> anchors, List<String> positives) {
            this(anchors, positives, null, null);
        }

        @Override
        public int size() {
            return anchors.size();
        }
    }

    /**
     * Pooled vectors [rows][d] of anchors and positives, from a frozen encoder; and optionally
     * {@code preserved}: pooled vectors of texts the block should leave where the base encoder put
     * them (documents of domains without new data), for {@link TrainingConfig#preserveWeight()}.
     */
    record Pooled(float[][] anchors, float[][] positives, boolean[] excluded, float[][] preserved) implements PairBatch {
        public Pooled(float[][] anchors, float[][] positives) {
            this(anchors, positives, null, null);
        }

        public Pooled(float[][] anchors, float[][] positives, boolean[] excluded) {
            this(anchors, positives, excluded, null);
        }

        public Pooled {
            if (anchors.length != positives.length || anchors.length < 2) {
                throw new IllegalArgumentException("a batch needs at least 2 pairs with one positive per anchor");
            }
        }

        @Override
        public int size() {
            return anchors.length;
        }
    }
}

package org.scimoe.embed;

/** What an embedder has done: texts, batches, tokens, truncated texts and time spent in inference. */
public record EncoderStats(long texts, long batches, long tokens, long truncated, long inferenceNanos) {
    public double meanBatchSize() {
        return batches == 0 ? 0 : (double) texts / batches;
    }
}

package org.scimoe.lucene;

import java.util.List;

/**
 * How an indexing run went: documents indexed, those rejected with their reasons, texts truncated
 * (cut at the model's window, or for a chunked index: text left out of the passages), and passages
 * written (0 unless the index is chunked).
 */
public record IndexingReport(long indexed, long truncated, List<String> rejected, long passages) {
    public IndexingReport(long indexed, long truncated, List<String> rejected) {
        this(indexed, truncated, rejected, 0);
    }
}

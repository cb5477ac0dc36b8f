package org.scimoe.lucene;

import java.util.List;

/** How an indexing run went: documents indexed, those rejected with their reasons, texts truncated. */
public record IndexingReport(long indexed, long truncated, List<String> rejected) {}

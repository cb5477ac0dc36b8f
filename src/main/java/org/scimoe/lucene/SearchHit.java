package org.scimoe.lucene;

/** One result: the document's stored fields and its score under the search mode (cosine, BM25 or RRF). */
public record SearchHit(String id, String title, String text, String domain, float score) {}

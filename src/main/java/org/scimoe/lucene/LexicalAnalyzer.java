package org.scimoe.lucene;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;

/**
 * The analyzer of the engine's BM25 field (title + text). Public so that the Elasticsearch plugin can
 * offer exactly the same analysis ({@code scimoe_english}) and BM25 there ranks as it does here.
 */
public final class LexicalAnalyzer {
    private LexicalAnalyzer() {}

    public static Analyzer create() {
        return new EnglishAnalyzer();
    }
}

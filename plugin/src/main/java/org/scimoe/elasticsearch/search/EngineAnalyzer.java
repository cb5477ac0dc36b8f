package org.scimoe.elasticsearch.search;

import org.elasticsearch.index.analysis.PreBuiltAnalyzerProviderFactory;
import org.elasticsearch.indices.analysis.PreBuiltCacheFactory;
import org.scimoe.lucene.LexicalAnalyzer;

/**
 * The analyzer {@code scimoe_english}: the engine's BM25 analysis, so that a lexical field mapped with
 * it ranks in Elasticsearch as in {@code scimoe search --mode bm25}. It also gives English stemming on
 * a node without the analysis-common module (as the integ-test-zip distribution is).
 */
public final class EngineAnalyzer {
    public static final String NAME = "scimoe_english";

    private EngineAnalyzer() {}

    public static PreBuiltAnalyzerProviderFactory factory() {
        return new PreBuiltAnalyzerProviderFactory(NAME, PreBuiltCacheFactory.CachingStrategy.ONE, LexicalAnalyzer::create);
    }
}

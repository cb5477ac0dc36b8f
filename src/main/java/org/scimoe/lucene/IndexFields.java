package org.scimoe.lucene;

import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;

/**
 * The index layout, shared by the writer and the searcher:
 * <pre>
 * id      StringField, stored          the document's id
 * title   StoredField                  for display
 * text    StoredField                  for display
 * domain  StringField, stored          filter for kNN and BM25 (exact match)
 * body    TextField (English analyzer) title + text, for BM25
 * vector  KnnFloatVectorField (cosine) the encoder's embedding of title + text
 * </pre>
 * The commit's user data records the model that made the vectors, so a search with another model fails clearly.
 */
final class IndexFields {
    static final String ID = "id";
    static final String TITLE = "title";
    static final String TEXT = "text";
    static final String DOMAIN = "domain";
    static final String BODY = "body";
    static final String VECTOR = "vector";

    static final String COMMIT_MODEL = "scimoe.model";
    static final String COMMIT_MODEL_SHA = "scimoe.model.sha256";
    static final String COMMIT_DIMS = "scimoe.dimensions";
    static final String COMMIT_QUANTIZATION = "scimoe.quantization";

    private IndexFields() {}

    static Analyzer analyzer() {
        return new PerFieldAnalyzerWrapper(new StandardAnalyzer(), Map.of(BODY, LexicalAnalyzer.create()));
    }
}

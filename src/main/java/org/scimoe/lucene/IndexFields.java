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
 * A chunked index ({@link Chunking}) is a block-join index: each document is a block of one child per
 * passage followed by the parent. The parent has the fields above except {@code vector}; each child has
 * <pre>
 * id      StringField                  the document's id (so re-adding the id replaces the whole block)
 * domain  StringField                  the document's domain (kNN's filter applies to passages)
 * offset  StoredField (int)            where the passage starts in the embedded text (title + " " + text)
 * length  StoredField (int)            its length in characters
 * vector  KnnFloatVectorField (cosine) the passage's embedding
 * </pre>
 * and {@code kind} (StringField) tells the two apart: {@code document} or {@code passage}.
 * The commit's user data records the model that made the vectors, so a search with another model fails
 * clearly, and for a chunked index the passage settings, so the searcher knows to query passages.
 */
final class IndexFields {
    static final String ID = "id";
    static final String TITLE = "title";
    static final String TEXT = "text";
    static final String DOMAIN = "domain";
    static final String BODY = "body";
    static final String VECTOR = "vector";
    static final String KIND = "kind";
    static final String OFFSET = "offset";
    static final String LENGTH = "length";
    static final String KIND_DOCUMENT = "document";
    static final String KIND_PASSAGE = "passage";

    static final String COMMIT_MODEL = "scimoe.model";
    static final String COMMIT_MODEL_SHA = "scimoe.model.sha256";
    static final String COMMIT_DIMS = "scimoe.dimensions";
    static final String COMMIT_QUANTIZATION = "scimoe.quantization";
    /** {@code <max tokens>/<overlap tokens>} of a chunked index; absent when documents are embedded whole. */
    static final String COMMIT_CHUNKING = "scimoe.chunking";

    private IndexFields() {}

    static Analyzer analyzer() {
        return new PerFieldAnalyzerWrapper(new StandardAnalyzer(), Map.of(BODY, LexicalAnalyzer.create()));
    }
}

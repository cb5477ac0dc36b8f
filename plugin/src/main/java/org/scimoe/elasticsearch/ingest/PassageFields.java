package org.scimoe.elasticsearch.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.elasticsearch.ingest.IngestDocument;
import org.scimoe.embed.Embedding;

/**
 * How passages and truncation are written into the document: {@code target_field} becomes a list of
 * {@code {"offset", "length", "vector"}} (map it as nested with a dense_vector {@code vector}), and
 * {@code truncation_field} an object {@code {"truncated", "tokens"}} (plus {@code "passages"} with chunking).
 */
final class PassageFields {
    private PassageFields() {}

    static void store(IngestDocument document, String targetField, String truncationField, PassageEmbedder.Result result) {
        List<Map<String, Object>> passages = new ArrayList<>(result.passages().size());
        for (PassageEmbedder.PassageVector p : result.passages()) {
            Map<String, Object> passage = new LinkedHashMap<>();
            passage.put("offset", p.offset());
            passage.put("length", p.length());
            passage.put("vector", floats(p.embedding().vector()));
            passages.add(passage);
        }
        document.setFieldValue(targetField, passages);
        if (truncationField != null) {
            Map<String, Object> truncation = new LinkedHashMap<>();
            truncation.put("truncated", result.truncated());
            truncation.put("tokens", result.tokens());
            truncation.put("passages", result.passages().size());
            document.setFieldValue(truncationField, truncation);
        }
    }

    static void storeTruncation(IngestDocument document, String truncationField, Embedding embedding) {
        if (truncationField != null) {
            Map<String, Object> truncation = new LinkedHashMap<>();
            truncation.put("truncated", embedding.truncated());
            truncation.put("tokens", embedding.tokens());
            document.setFieldValue(truncationField, truncation);
        }
    }

    private static List<Float> floats(float[] vector) {
        List<Float> out = new ArrayList<>(vector.length);
        for (float v : vector) {
            out.add(v);
        }
        return out;
    }
}

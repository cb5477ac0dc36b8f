package org.scimoe.elasticsearch.search;

import org.scimoe.elasticsearch.model.EmbeddingService;

import java.util.List;
import java.util.function.Function;
import org.elasticsearch.index.query.MatchQueryBuilder;
import org.elasticsearch.index.query.MultiMatchQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.search.retriever.KnnRetrieverBuilder;
import org.elasticsearch.search.retriever.RetrieverBuilder;
import org.elasticsearch.search.retriever.StandardRetrieverBuilder;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;

/**
 * The short form of {@code scimoe_hybrid} for the common case: one query text searched lexically in
 * {@code fields} and semantically in {@code vector_field}. It expands to the long form's two
 * sub-retrievers, a {@code standard} retriever with a {@code match} (one field) or {@code multi_match}
 * (several) query, and a {@code knn} retriever whose vector the {@code scimoe} builder makes from the
 * same text with {@code model} and {@code domain}.
 */
final class HybridShortForm {
    static final ParseField QUERY = new ParseField("query");
    static final ParseField FIELDS = new ParseField("fields");
    static final ParseField VECTOR_FIELD = new ParseField("vector_field");
    static final ParseField MODEL = new ParseField("model");
    static final ParseField DOMAIN = new ParseField("domain");
    static final ParseField K = new ParseField("k");
    static final ParseField NUM_CANDIDATES = new ParseField("num_candidates");

    /** Like the engine's hybrid mode: HNSW explores at least this many candidates. */
    static final int MIN_CANDIDATES = 100;

    private static final String N = HybridRetrieverBuilder.NAME;

    String query;
    List<String> fields;
    String vectorField;
    String model;
    String domain;
    Integer k;
    Integer numCandidates;

    static <T> void declare(ObjectParser<T, ?> parser, Function<T, HybridShortForm> form) {
        parser.declareString((t, v) -> form.apply(t).query = v, QUERY);
        parser.declareStringArray((t, v) -> form.apply(t).fields = v, FIELDS);
        parser.declareString((t, v) -> form.apply(t).vectorField = v, VECTOR_FIELD);
        parser.declareString((t, v) -> form.apply(t).model = v, MODEL);
        parser.declareString((t, v) -> form.apply(t).domain = v, DOMAIN);
        parser.declareInt((t, v) -> form.apply(t).k = v, K);
        parser.declareInt((t, v) -> form.apply(t).numCandidates = v, NUM_CANDIDATES);
    }

    boolean isUsed() {
        return query != null || fields != null || vectorField != null || model != null || domain != null || k != null
                || numCandidates != null;
    }

    /** The lexical and the kNN retriever, in that order (the order {@code weights} refer to). */
    List<RetrieverBuilder> expand(int rankWindowSize, EmbeddingService service) {
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException("[" + N + "] [query] is missing or empty: the short form needs the query text");
        }
        if (fields == null || fields.isEmpty()) {
            throw new IllegalArgumentException("[" + N + "] [fields] is missing: the short form needs the text fields to search lexically");
        }
        if (vectorField == null || vectorField.isBlank()) {
            throw new IllegalArgumentException("[" + N + "] [vector_field] is missing: the short form needs the dense_vector field");
        }
        int knnK = k == null ? rankWindowSize : k;
        if (knnK < 1) {
            throw new IllegalArgumentException("[" + N + "] [k] must be at least 1, not " + knnK);
        }
        int candidates = numCandidates == null ? Math.max(knnK, MIN_CANDIDATES) : numCandidates;
        if (candidates < knnK) {
            throw new IllegalArgumentException("[" + N + "] [num_candidates] (" + candidates + ") must be at least [k] (" + knnK + ")");
        }
        QueryBuilder lexical = fields.size() == 1 ? new MatchQueryBuilder(fields.get(0), query)
                : new MultiMatchQueryBuilder(query, fields.toArray(String[]::new));
        RetrieverBuilder knn = new KnnRetrieverBuilder(vectorField, (float[]) null, new ScimoeQueryVectorBuilder(model, query, domain, service),
                knnK, candidates, null, null, null);
        return List.of(new StandardRetrieverBuilder(lexical), knn);
    }
}

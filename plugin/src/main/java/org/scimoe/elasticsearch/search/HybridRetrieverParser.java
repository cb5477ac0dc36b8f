package org.scimoe.elasticsearch.search;

import org.scimoe.elasticsearch.model.EmbeddingService;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.search.retriever.CompoundRetrieverBuilder;
import org.elasticsearch.search.retriever.CompoundRetrieverBuilder.RetrieverSource;
import org.elasticsearch.search.retriever.RetrieverBuilder;
import org.elasticsearch.search.retriever.RetrieverParserContext;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.XContentParser;

/**
 * Reads {@code {"scimoe_hybrid": {...}}} in two steps: the fields as written (so that every check
 * below can name its field in a plain 400, instead of the parser framework's "failed to build"),
 * then the checks and the retriever. Long form: {@code retrievers}, {@code rank_window_size},
 * {@code rank_constant}, {@code method}, {@code weights}; short form: {@code query}, {@code fields},
 * {@code vector_field}, {@code model}, {@code domain}, {@code k}, {@code num_candidates}
 * ({@link HybridShortForm}). Both take {@code filter}, {@code min_score} and {@code _name} like every
 * retriever.
 */
public final class HybridRetrieverParser {
    private static final String N = HybridRetrieverBuilder.NAME;

    /** The request as written, before any check. */
    static final class Fields {
        List<RetrieverBuilder> retrievers;
        Integer rankWindowSize;
        Integer rankConstant;
        String method;
        List<Float> weights;
        HybridShortForm shortForm = new HybridShortForm();
        List<QueryBuilder> filters = List.of();
        String name;
        Float minScore;
    }

    private static final ObjectParser<Fields, RetrieverParserContext> PARSER = new ObjectParser<>(N, false, Fields::new);

    static {
        PARSER.declareField((f, v) -> f.retrievers = v, HybridRetrieverParser::parseRetrievers, HybridRetrieverBuilder.RETRIEVERS,
                ObjectParser.ValueType.OBJECT_ARRAY);
        PARSER.declareInt((f, v) -> f.rankWindowSize = v, CompoundRetrieverBuilder.RANK_WINDOW_SIZE_FIELD);
        PARSER.declareInt((f, v) -> f.rankConstant = v, HybridRetrieverBuilder.RANK_CONSTANT);
        PARSER.declareString((f, v) -> f.method = v, HybridRetrieverBuilder.METHOD);
        PARSER.declareFloatArray((f, v) -> f.weights = v, HybridRetrieverBuilder.WEIGHTS);
        HybridShortForm.declare(PARSER, f -> f.shortForm);
        PARSER.declareObjectArray((f, v) -> f.filters = v, (p, c) -> AbstractQueryBuilder.parseTopLevelQuery(p, c::trackQueryUsage),
                RetrieverBuilder.PRE_FILTER_FIELD);
        PARSER.declareString((f, v) -> f.name = v, RetrieverBuilder.NAME_FIELD);
        PARSER.declareFloat((f, v) -> f.minScore = v, RetrieverBuilder.MIN_SCORE_FIELD);
    }

    private HybridRetrieverParser() {}

    /** @param service the node's embedding service, for the short form's {@code scimoe} query vector builder */
    public static HybridRetrieverBuilder fromXContent(XContentParser parser, RetrieverParserContext context, EmbeddingService service)
            throws IOException {
        return build(PARSER.parse(parser, context), service);
    }

    static HybridRetrieverBuilder build(Fields f, EmbeddingService service) {
        int window = f.rankWindowSize == null ? HybridRetrieverBuilder.DEFAULT_RANK_WINDOW_SIZE : f.rankWindowSize;
        if (window < 1) {
            throw new IllegalArgumentException("[" + N + "] [rank_window_size] must be at least 1, not " + window);
        }
        List<RetrieverBuilder> retrievers;
        if (f.shortForm.isUsed()) {
            if (f.retrievers != null) {
                throw new IllegalArgumentException("[" + N + "] takes either [retrievers] or the short form ([query], [fields], "
                        + "[vector_field], ...), not both");
            }
            retrievers = f.shortForm.expand(window, service);
        } else if (f.retrievers == null || f.retrievers.isEmpty()) {
            throw new IllegalArgumentException("[" + N + "] needs [retrievers] (a list of retrievers to fuse), or the short form: "
                    + "[query] with [fields] and [vector_field]");
        } else {
            retrievers = f.retrievers;
        }
        FusionMethod method = f.method == null ? FusionMethod.RRF : FusionMethod.parse(f.method);
        int rankConstant = f.rankConstant == null ? HybridRetrieverBuilder.defaultRankConstant() : f.rankConstant;
        if (method == FusionMethod.RRF) {
            if (rankConstant < 1) {
                throw new IllegalArgumentException("[" + N + "] [rank_constant] must be at least 1, not " + rankConstant);
            }
            if (f.weights != null) {
                throw new IllegalArgumentException("[" + N + "] [weights] applies to \"method\": \"linear\" only");
            }
        } else if (f.rankConstant != null) {
            throw new IllegalArgumentException("[" + N + "] [rank_constant] applies to \"method\": \"rrf\" only");
        }
        float[] weights = weights(f.weights, retrievers.size());
        List<RetrieverSource> sources = new ArrayList<>();
        for (RetrieverBuilder r : retrievers) {
            sources.add(RetrieverSource.from(r));
        }
        HybridRetrieverBuilder builder = new HybridRetrieverBuilder(sources, window, method, rankConstant, weights);
        builder.getPreFilterQueryBuilders().addAll(f.filters);
        builder.retrieverName(f.name);
        builder.minScore(f.minScore);
        return builder;
    }

    private static float[] weights(List<Float> weights, int retrievers) {
        if (weights == null) {
            return null;
        }
        if (weights.size() != retrievers) {
            throw new IllegalArgumentException("[" + N + "] [weights] has " + weights.size() + " values for " + retrievers
                    + " retrievers: give one weight per retriever");
        }
        float[] out = new float[weights.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = weights.get(i);
            if (!(out[i] >= 0) || Float.isInfinite(out[i])) {
                throw new IllegalArgumentException("[" + N + "] [weights] must be finite and not negative, not " + weights.get(i));
            }
        }
        return out;
    }

    /** {@code retrievers: [{"standard": {...}}, {"knn": {...}}]}; a bad one is reported with its position and type. */
    private static List<RetrieverBuilder> parseRetrievers(XContentParser p, RetrieverParserContext c) throws IOException {
        if (p.currentToken() != XContentParser.Token.START_ARRAY) {
            throw new ParsingException(p.getTokenLocation(), "[" + N + "] [retrievers] must be an array of retrievers");
        }
        List<RetrieverBuilder> out = new ArrayList<>();
        for (int i = 0; p.nextToken() != XContentParser.Token.END_ARRAY; i++) {
            try {
                out.add(HybridRetrieverBuilder.parseSubRetriever(p, c));
            } catch (RuntimeException e) {
                // The sub-retriever's own message names its type ("unknown retriever [x]", "[knn] ...").
                throw new ParsingException(p.getTokenLocation(), "[" + N + "] [retrievers][" + i + "]: " + messages(e), e);
            }
        }
        return out;
    }

    /** The chain of messages: the parser framework wraps the useful one in "failed to parse field" layers. */
    private static String messages(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && out.indexOf(t.getMessage()) < 0) {
                out.append(out.isEmpty() ? "" : ": ").append(t.getMessage());
            }
        }
        return out.toString();
    }
}

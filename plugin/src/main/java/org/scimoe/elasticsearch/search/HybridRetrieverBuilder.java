package org.scimoe.elasticsearch.search;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.lucene.search.ScoreDoc;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.search.rank.RankDoc;
import org.elasticsearch.search.retriever.CompoundRetrieverBuilder;
import org.elasticsearch.search.retriever.RetrieverBuilder;
import org.elasticsearch.search.retriever.RetrieverParserContext;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.scimoe.fusion.ResultFusion;

/**
 * The {@code scimoe_hybrid} retriever: runs its sub-retrievers (typically a lexical {@code standard}
 * and a {@code knn} with the {@code scimoe} query vector builder) and fuses their top
 * {@code rank_window_size} documents by reciprocal rank fusion, or linearly on min-max normalised
 * scores. Elasticsearch's {@link CompoundRetrieverBuilder} runs the sub-searches (as one multi-search
 * on a point in time, so any number of shards and nodes), pages with {@code from}/{@code size} and
 * applies {@code filter} to every sub-retriever; this class only says how to fuse.
 * Parsing and validation: {@link HybridRetrieverParser}.
 */
public final class HybridRetrieverBuilder extends CompoundRetrieverBuilder<HybridRetrieverBuilder> {
    public static final String NAME = "scimoe_hybrid";
    public static final int DEFAULT_RANK_WINDOW_SIZE = 100;

    static final ParseField RETRIEVERS = new ParseField("retrievers");
    static final ParseField RANK_CONSTANT = new ParseField("rank_constant");
    static final ParseField METHOD = new ParseField("method");
    static final ParseField WEIGHTS = new ParseField("weights");

    private final FusionMethod method;
    private final int rankConstant;
    private final float[] weights;

    /** {@code weights} is null for equal weights (and always for RRF); checked by the parser. */
    HybridRetrieverBuilder(List<RetrieverSource> retrievers, int rankWindowSize, FusionMethod method, int rankConstant, float[] weights) {
        super(new ArrayList<>(retrievers), rankWindowSize);
        this.method = Objects.requireNonNull(method);
        this.rankConstant = rankConstant;
        this.weights = weights;
    }

    @Override
    public String getName() {
        return NAME;
    }

    public FusionMethod method() {
        return method;
    }

    public int rankConstant() {
        return rankConstant;
    }

    public float[] weights() {
        return weights == null ? null : weights.clone();
    }

    @Override
    protected HybridRetrieverBuilder clone(List<RetrieverSource> newChildRetrievers, List<QueryBuilder> newPreFilterQueryBuilders) {
        HybridRetrieverBuilder copy = new HybridRetrieverBuilder(newChildRetrievers, rankWindowSize, method, rankConstant, weights);
        copy.preFilterQueryBuilders = newPreFilterQueryBuilders;
        copy.retrieverName = retrieverName;
        copy.minScore = minScore;
        return copy;
    }

    @Override
    protected RankDoc[] combineInnerRetrieverResults(List<ScoreDoc[]> rankResults, boolean explain) {
        return RankDocFusion.fuse(rankResults, method, rankConstant, weights, rankWindowSize);
    }

    @Override
    protected void doToXContent(XContentBuilder builder, Params params) throws IOException {
        // Always the long form: a short form has been expanded into its two sub-retrievers.
        builder.startArray(RETRIEVERS.getPreferredName());
        for (RetrieverSource source : innerRetrievers) {
            builder.startObject();
            builder.field(source.retriever().getName());
            source.retriever().toXContent(builder, params);
            builder.endObject();
        }
        builder.endArray();
        builder.field(getRankWindowSizeField().getPreferredName(), rankWindowSize);
        builder.field(METHOD.getPreferredName(), method.toString());
        if (method == FusionMethod.RRF) {
            builder.field(RANK_CONSTANT.getPreferredName(), rankConstant);
        }
        if (weights != null) {
            builder.array(WEIGHTS.getPreferredName(), weights);
        }
    }

    @Override
    public boolean doEquals(Object o) {
        HybridRetrieverBuilder that = (HybridRetrieverBuilder) o;
        return super.doEquals(o) && method == that.method && rankConstant == that.rankConstant && Arrays.equals(weights, that.weights);
    }

    @Override
    public int doHashCode() {
        return Objects.hash(super.doHashCode(), method, rankConstant, Arrays.hashCode(weights));
    }

    /** One entry of a {@code retrievers} array ({@code {"knn": {...}}}), read as every compound retriever reads it. */
    static RetrieverBuilder parseSubRetriever(XContentParser parser, RetrieverParserContext context) throws IOException {
        return parseInnerRetrieverBuilder(parser, context);
    }

    static int defaultRankConstant() {
        return ResultFusion.DEFAULT_RANK_CONSTANT;
    }
}

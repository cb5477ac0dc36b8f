package org.scimoe.elasticsearch.search;

import static org.elasticsearch.xcontent.ConstructingObjectParser.constructorArg;
import static org.elasticsearch.xcontent.ConstructingObjectParser.optionalConstructorArg;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.elasticsearch.TransportVersion;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.search.vectors.QueryVectorBuilder;
import org.elasticsearch.xcontent.ConstructingObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.scimoe.elasticsearch.model.EmbeddingService;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Role;

/**
 * {@code knn.query_vector_builder: {"scimoe": {"model": ..., "text": ..., "domain": ...}}}: embeds the
 * query text (as a query) on the coordinating node, so users search with text instead of vectors.
 * <p>
 * The embedding is part of the search, so the search's own privileges cover it: the builder calls the
 * node's {@link EmbeddingService} directly instead of running an action as the user (an action would need
 * a cluster privilege that a user who may only read an index does not have). Elasticsearch's own
 * {@code text_embedding} builder behaves the same way, running its inference as an internal user. The
 * service is the node's own: the plugin hands it to the parser and the stream reader it registers.
 */
public final class ScimoeQueryVectorBuilder implements QueryVectorBuilder {
    public static final String NAME = "scimoe";

    private static final ParseField MODEL = new ParseField("model");
    private static final ParseField TEXT = new ParseField("text");
    private static final ParseField DOMAIN = new ParseField("domain");

    private static final ConstructingObjectParser<ScimoeQueryVectorBuilder, EmbeddingService> PARSER = new ConstructingObjectParser<>(NAME,
            false, (args, service) -> new ScimoeQueryVectorBuilder((String) args[0], (String) args[1], (String) args[2], service));

    static {
        PARSER.declareString(optionalConstructorArg(), MODEL);
        PARSER.declareString(constructorArg(), TEXT);
        PARSER.declareString(optionalConstructorArg(), DOMAIN);
    }

    private final String model;
    private final String text;
    private final String domain;
    /** The node's embedding service; null in a builder made outside a node (it then cannot build a vector). */
    private final EmbeddingService service;

    public ScimoeQueryVectorBuilder(String model, String text, String domain) {
        this(model, text, domain, null);
    }

    public ScimoeQueryVectorBuilder(String model, String text, String domain, EmbeddingService service) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("[" + NAME + "] query_vector_builder: text is missing or empty");
        }
        this.model = model;
        this.text = text;
        this.domain = domain;
        this.service = service;
    }

    public ScimoeQueryVectorBuilder(StreamInput in, EmbeddingService service) throws IOException {
        this(in.readOptionalString(), in.readString(), in.readOptionalString(), service);
    }

    public static ScimoeQueryVectorBuilder fromXContent(XContentParser parser, EmbeddingService service) {
        return PARSER.apply(parser, service);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeOptionalString(model);
        out.writeString(text);
        out.writeOptionalString(domain);
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    public TransportVersion getMinimalSupportedVersion() {
        return TransportVersion.minimumCompatible();
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        // The body only: the caller (knn's query_vector_builder) writes the "scimoe" key.
        builder.startObject();
        if (model != null) {
            builder.field(MODEL.getPreferredName(), model);
        }
        builder.field(TEXT.getPreferredName(), text);
        if (domain != null) {
            builder.field(DOMAIN.getPreferredName(), domain);
        }
        return builder.endObject();
    }

    @Override
    public void buildVector(Client client, ActionListener<float[]> listener) {
        // Runs during the search's rewrite on the coordinating node; the service forks to the plugin's query pool.
        if (service == null) {
            listener.onFailure(new IllegalStateException("[" + NAME + "] query_vector_builder was not made by a node with the plugin"));
            return;
        }
        // no search task reaches a query_vector_builder in 9.5.3 (see plugin/README.md): the query timeout bounds the wait
        service.embed(model, List.of(new EmbedInput(text, domain)), Role.QUERY, null, listener.map(embeddings -> embeddings.get(0).vector()));
    }

    public String model() {
        return model;
    }

    public String text() {
        return text;
    }

    public String domain() {
        return domain;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScimoeQueryVectorBuilder other && Objects.equals(model, other.model) && text.equals(other.text)
                && Objects.equals(domain, other.domain);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, text, domain);
    }
}

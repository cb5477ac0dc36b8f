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
import org.scimoe.elasticsearch.action.EmbedAction;
import org.scimoe.elasticsearch.action.EmbedRequest;
import org.scimoe.embed.Role;

/**
 * {@code knn.query_vector_builder: {"scimoe": {"model": ..., "text": ..., "domain": ...}}}: embeds the
 * query text (as a query) on the coordinating node, so users search with text instead of vectors.
 */
public final class ScimoeQueryVectorBuilder implements QueryVectorBuilder {
    public static final String NAME = "scimoe";

    private static final ParseField MODEL = new ParseField("model");
    private static final ParseField TEXT = new ParseField("text");
    private static final ParseField DOMAIN = new ParseField("domain");

    private static final ConstructingObjectParser<ScimoeQueryVectorBuilder, Void> PARSER = new ConstructingObjectParser<>(NAME,
            args -> new ScimoeQueryVectorBuilder((String) args[0], (String) args[1], (String) args[2]));

    static {
        PARSER.declareString(optionalConstructorArg(), MODEL);
        PARSER.declareString(constructorArg(), TEXT);
        PARSER.declareString(optionalConstructorArg(), DOMAIN);
    }

    private final String model;
    private final String text;
    private final String domain;

    public ScimoeQueryVectorBuilder(String model, String text, String domain) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("[" + NAME + "] query_vector_builder: text is missing or empty");
        }
        this.model = model;
        this.text = text;
        this.domain = domain;
    }

    public ScimoeQueryVectorBuilder(StreamInput in) throws IOException {
        this(in.readOptionalString(), in.readString(), in.readOptionalString());
    }

    public static ScimoeQueryVectorBuilder fromXContent(XContentParser parser, Void context) {
        return PARSER.apply(parser, context);
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
        // Runs during the search's rewrite on the coordinating node; the action forks to the inference pool.
        client.execute(EmbedAction.INSTANCE, new EmbedRequest(model, List.of(text), domain, Role.QUERY),
                listener.map(response -> response.embeddings().get(0).vector()));
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

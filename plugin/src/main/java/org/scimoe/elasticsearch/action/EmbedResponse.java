package org.scimoe.elasticsearch.action;

import java.io.IOException;
import java.util.List;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.support.TransportAction;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.scimoe.embed.Embedding;

/** The embeddings of an {@link EmbedRequest}, in its order, with how each was made. */
public final class EmbedResponse extends ActionResponse implements ToXContentObject {
    private final String model;
    private final int dimensions;
    private final List<Embedding> embeddings;

    public EmbedResponse(String model, int dimensions, List<Embedding> embeddings) {
        this.model = model;
        this.dimensions = dimensions;
        this.embeddings = List.copyOf(embeddings);
    }

    public String model() {
        return model;
    }

    public List<Embedding> embeddings() {
        return embeddings;
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        builder.field("model", model);
        builder.field("dimensions", dimensions);
        builder.startArray("embeddings");
        for (Embedding e : embeddings) {
            builder.startObject();
            builder.array("vector", e.vector());
            builder.field("tokens", e.tokens());
            builder.field("truncated", e.truncated());
            if (e.domain() != null) {
                builder.field("domain", e.domain());
            }
            builder.field("expert", e.expert());
            if (e.gateWeights() != null) {
                builder.array("gate_weights", e.gateWeights());
            }
            builder.endObject();
        }
        builder.endArray();
        return builder.endObject();
    }

    @Override
    public void writeTo(StreamOutput out) {
        TransportAction.localOnly();
    }
}

package org.scimoe.elasticsearch.action;

import java.io.IOException;
import java.util.Map;
import org.elasticsearch.action.support.nodes.BaseNodeResponse;
import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;

/** One node's report of the reloaded bundle (as in {@code _scimoe/models}). */
public final class ModelReloadNodeResponse extends BaseNodeResponse {
    private final Map<String, Object> model;

    public ModelReloadNodeResponse(DiscoveryNode node, Map<String, Object> model) {
        super(node);
        this.model = model;
    }

    public ModelReloadNodeResponse(StreamInput in, DiscoveryNode node) throws IOException {
        super(in, node);
        this.model = in.readGenericMap();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeGenericMap(model);
    }

    public Map<String, Object> model() {
        return model;
    }
}

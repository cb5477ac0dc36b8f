package org.scimoe.elasticsearch.action;

import java.io.IOException;
import java.util.Map;
import org.elasticsearch.action.support.nodes.BaseNodeResponse;
import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;

/** One node's models report ({@link org.scimoe.elasticsearch.model.NodeModelsReport}), sent to the coordinating node. */
public final class NodeModels extends BaseNodeResponse {
    private final Map<String, Object> report;

    public NodeModels(DiscoveryNode node, Map<String, Object> report) {
        super(node);
        this.report = report;
    }

    public NodeModels(StreamInput in, DiscoveryNode node) throws IOException {
        super(in, node);
        this.report = in.readGenericMap();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeGenericMap(report);
    }

    public Map<String, Object> report() {
        return report;
    }
}

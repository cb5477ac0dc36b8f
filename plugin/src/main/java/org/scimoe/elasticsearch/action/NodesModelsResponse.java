package org.scimoe.elasticsearch.action;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.elasticsearch.action.FailedNodeException;
import org.elasticsearch.action.support.TransportAction;
import org.elasticsearch.action.support.nodes.BaseNodesResponse;
import org.elasticsearch.cluster.ClusterName;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.xcontent.ToXContentFragment;
import org.elasticsearch.xcontent.XContentBuilder;

/** The nodes' reports by node id, each with the node's name; built and rendered on the coordinating node only. */
public final class NodesModelsResponse extends BaseNodesResponse<NodeModels> implements ToXContentFragment {
    public NodesModelsResponse(ClusterName clusterName, List<NodeModels> nodes, List<FailedNodeException> failures) {
        super(clusterName, nodes, failures);
    }

    @Override
    protected List<NodeModels> readNodesFrom(StreamInput in) throws IOException {
        return TransportAction.localOnly();
    }

    @Override
    protected void writeNodesTo(StreamOutput out, List<NodeModels> nodes) throws IOException {
        TransportAction.localOnly();
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject("nodes");
        for (NodeModels node : getNodes()) {
            builder.startObject(node.getNode().getId());
            builder.field("name", node.getNode().getName());
            for (Map.Entry<String, Object> e : node.report().entrySet()) {
                builder.field(e.getKey(), e.getValue());
            }
            builder.endObject();
        }
        return builder.endObject();
    }
}

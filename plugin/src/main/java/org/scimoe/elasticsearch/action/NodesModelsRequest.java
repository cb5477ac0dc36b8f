package org.scimoe.elasticsearch.action;

import org.elasticsearch.action.support.nodes.BaseNodesRequest;

/** Which nodes to ask (node ids, names or ES node selectors; none = all). */
public final class NodesModelsRequest extends BaseNodesRequest {
    public NodesModelsRequest(String... nodeIds) {
        super(nodeIds);
    }
}

package org.scimoe.elasticsearch.rest;

import static org.elasticsearch.rest.RestRequest.Method.GET;

import java.util.List;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.common.Strings;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestActions;
import org.scimoe.elasticsearch.action.NodesModelsAction;
import org.scimoe.elasticsearch.action.NodesModelsRequest;

/** {@code GET _scimoe/_nodes/models}, {@code GET _scimoe/_nodes/{node_id}/models}: every (or the named) node's {@code _scimoe/models}. */
public final class RestNodesModelsAction extends BaseRestHandler {
    @Override
    public String getName() {
        return "scimoe_nodes_models";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(GET, "/_scimoe/_nodes/models"), new Route(GET, "/_scimoe/_nodes/{node_id}/models"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        NodesModelsRequest nodes = new NodesModelsRequest(Strings.splitStringByCommaToArray(request.param("node_id")));
        return channel -> client.execute(NodesModelsAction.INSTANCE, nodes, new RestActions.NodesResponseRestListener<>(channel));
    }
}

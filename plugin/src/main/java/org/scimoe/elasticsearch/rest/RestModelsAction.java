package org.scimoe.elasticsearch.rest;

import static org.elasticsearch.rest.RestRequest.Method.GET;

import java.util.List;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.rest.action.RestBuilderListener;
import org.elasticsearch.xcontent.XContentBuilder;
import org.scimoe.elasticsearch.action.NodesModelsAction;
import org.scimoe.elasticsearch.action.NodesModelsRequest;
import org.scimoe.elasticsearch.action.NodesModelsResponse;

/**
 * {@code GET _scimoe/models}: this node's bundles, whether each is ready, loaded or failed (and why),
 * and its counters. Goes through the nodes action for the local node, so that with security on it needs
 * the same privilege as {@code _scimoe/_nodes/models} ({@code monitor}) instead of none.
 */
public final class RestModelsAction extends BaseRestHandler {
    @Override
    public String getName() {
        return "scimoe_models";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(GET, "/_scimoe/models"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        return channel -> client.execute(NodesModelsAction.INSTANCE, new NodesModelsRequest("_local"), new RestBuilderListener<>(channel) {
            @Override
            public RestResponse buildResponse(NodesModelsResponse response, XContentBuilder builder) throws Exception {
                if (response.getNodes().isEmpty()) {
                    throw response.hasFailures() ? response.failures().get(0) : new IllegalStateException("the local node did not answer");
                }
                return new RestResponse(RestStatus.OK, builder.map(response.getNodes().get(0).report()));
            }
        });
    }
}

package org.scimoe.elasticsearch.rest;

import static org.elasticsearch.rest.RestRequest.Method.GET;

import java.util.List;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.scimoe.elasticsearch.model.EmbeddingService;
import org.scimoe.elasticsearch.model.NodeModelsReport;

/** {@code GET _scimoe/models}: this node's bundles, whether each is loaded or why it failed, and its counters. */
public final class RestModelsAction extends BaseRestHandler {
    private final EmbeddingService service;

    public RestModelsAction(EmbeddingService service) {
        this.service = service;
    }

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
        // Reads in-memory state only (nothing is loaded), so it can answer on the calling thread.
        return channel -> channel.sendResponse(new RestResponse(RestStatus.OK, channel.newBuilder().map(NodeModelsReport.of(service))));
    }
}

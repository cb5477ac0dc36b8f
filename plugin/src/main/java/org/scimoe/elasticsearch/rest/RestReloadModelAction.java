package org.scimoe.elasticsearch.rest;

import static org.elasticsearch.rest.RestRequest.Method.POST;

import java.util.List;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.rest.action.RestActions;
import org.elasticsearch.rest.action.RestBuilderListener;
import org.elasticsearch.xcontent.XContentBuilder;
import org.scimoe.elasticsearch.action.ModelsReloadAction;
import org.scimoe.elasticsearch.action.ModelsReloadRequest;
import org.scimoe.elasticsearch.action.ModelsReloadResponse;

/**
 * {@code POST _scimoe/models/<name>/_reload}: every node reads the bundle's directory again and serves
 * the new version. The body lists each node's new report and the nodes that failed; the status is 200
 * only when every node reloaded, else the first failure's (400 for a bundle that does not load), so a
 * script notices.
 */
public final class RestReloadModelAction extends BaseRestHandler {
    @Override
    public String getName() {
        return "scimoe_model_reload";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(POST, "/_scimoe/models/{model}/_reload"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        ModelsReloadRequest reload = new ModelsReloadRequest(request.param("model"));
        return channel -> client.execute(ModelsReloadAction.INSTANCE, reload, new RestBuilderListener<>(channel) {
            @Override
            public RestResponse buildResponse(ModelsReloadResponse response, XContentBuilder builder) throws Exception {
                builder.startObject();
                RestActions.buildNodesHeader(builder, channel.request(), response);
                builder.field("cluster_name", response.getClusterName().value());
                response.toXContent(builder, channel.request());
                builder.endObject();
                RestStatus status = response.hasFailures() ? ExceptionsHelper.status(response.failures().get(0).getCause()) : RestStatus.OK;
                return new RestResponse(status, builder);
            }
        });
    }
}

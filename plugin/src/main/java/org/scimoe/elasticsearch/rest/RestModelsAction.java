package org.scimoe.elasticsearch.rest;

import static org.elasticsearch.rest.RestRequest.Method.GET;

import java.io.IOException;
import java.util.List;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.elasticsearch.model.EmbeddingService;
import org.scimoe.elasticsearch.model.ModelStatus;
import org.scimoe.elasticsearch.model.QueryEmbeddingCache;
import org.scimoe.embed.EncoderStats;

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
        return channel -> {
            XContentBuilder builder = channel.newBuilder();
            builder.startObject();
            builder.startArray("models");
            for (ModelStatus status : service.registry().status()) {
                writeModel(builder, status);
            }
            builder.endArray();
            QueryEmbeddingCache cache = service.queryCache();
            builder.startObject("query_cache");
            builder.field("hits", cache.hits()).field("misses", cache.misses()).field("size", cache.size());
            builder.endObject();
            builder.endObject();
            channel.sendResponse(new RestResponse(RestStatus.OK, builder));
        };
    }

    private static void writeModel(XContentBuilder builder, ModelStatus status) throws IOException {
        builder.startObject();
        builder.field("name", status.name());
        BundleManifest m = status.manifest();
        if (m != null) {
            builder.field("version", m.version());
            builder.field("dimensions", m.dimensions());
            builder.field("max_tokens", m.maxTokens());
            builder.startObject("routing");
            builder.field("mode", m.routing().mode().name().toLowerCase(java.util.Locale.ROOT));
            builder.field("domains", m.routing().domainNames());
            builder.endObject();
        }
        builder.field("state", status.state().name().toLowerCase(java.util.Locale.ROOT));
        if (status.failure() != null) {
            builder.field("failure", status.failure());
        }
        if (status.device() != null) {
            builder.field("device", status.device());
        }
        EncoderStats s = status.stats();
        if (s != null) {
            builder.startObject("stats");
            builder.field("texts", s.texts()).field("batches", s.batches()).field("tokens", s.tokens()).field("truncated", s.truncated());
            builder.field("inference_ms", s.inferenceNanos() / 1_000_000).field("mean_batch_size", s.meanBatchSize());
            builder.endObject();
        }
        builder.endObject();
    }
}

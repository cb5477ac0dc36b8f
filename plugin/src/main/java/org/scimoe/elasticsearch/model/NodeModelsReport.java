package org.scimoe.elasticsearch.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.embed.EncoderStats;

/**
 * What a node says about its models: each bundle with its routing, state, device and counters, and the
 * query cache's counters, as a plain map (rendered by {@code _scimoe/models}, sent between nodes by
 * {@code _scimoe/_nodes/models}). Reads in-memory state only; loads nothing.
 */
public final class NodeModelsReport {
    private NodeModelsReport() {}

    public static Map<String, Object> of(EmbeddingService service) {
        List<Object> models = new ArrayList<>();
        for (ModelStatus status : service.registry().status()) {
            models.add(model(status));
        }
        QueryEmbeddingCache cache = service.queryCache();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("models", models);
        Map<String, Object> queryCache = new LinkedHashMap<>();
        queryCache.put("hits", cache.hits());
        queryCache.put("misses", cache.misses());
        queryCache.put("size", cache.size());
        report.put("query_cache", queryCache);
        return report;
    }

    /** One bundle's entry of the report. */
    public static Map<String, Object> model(ModelStatus status) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", status.name());
        out.put("source", status.source());
        if (status.overrides() != null) {
            out.put("overrides", status.overrides());
        }
        BundleManifest m = status.manifest();
        if (m != null) {
            out.put("version", m.version());
            out.put("model_sha256", m.modelSha256());
            out.put("dimensions", m.dimensions());
            out.put("max_tokens", m.maxTokens());
            Map<String, Object> routing = new LinkedHashMap<>();
            routing.put("mode", m.routing().mode().name().toLowerCase(Locale.ROOT));
            routing.put("domains", m.routing().domainNames());
            if (m.routing().defaultDomain() != null) {
                routing.put("default_domain", m.routing().defaultDomain());
            }
            // A domain-routed bundle with a router picks the domain of texts that come without one.
            routing.put("router", m.routing().routerOutput() != null);
            out.put("routing", routing);
        }
        out.put("state", status.state().name().toLowerCase(Locale.ROOT));
        if (status.failure() != null) {
            out.put("failure", status.failure());
        }
        if (status.reloadFailure() != null) {
            out.put("reload_failure", status.reloadFailure());
        }
        if (status.device() != null) {
            out.put("device", status.device());
        }
        EncoderStats s = status.stats();
        if (s != null) {
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("texts", s.texts());
            stats.put("batches", s.batches());
            stats.put("tokens", s.tokens());
            stats.put("truncated", s.truncated());
            stats.put("inference_ms", s.inferenceNanos() / 1_000_000);
            stats.put("mean_batch_size", s.meanBatchSize());
            out.put("stats", stats);
        }
        return out;
    }
}

package org.scimoe.elasticsearch.model;

import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.threadpool.ExecutorBuilder;
import org.elasticsearch.threadpool.FixedExecutorBuilder;
import org.scimoe.elasticsearch.ScimoeSettings;

/** The plugin's own fixed thread pool: model loading and inference never block Elasticsearch's threads. */
public final class InferencePool {
    public static final String NAME = "scimoe_inference";

    private InferencePool() {}

    public static ExecutorBuilder<?> builder(Settings settings) {
        // Queue: tasks are batches or whole requests, so a few hundred is plenty; beyond it callers get a rejection.
        return new FixedExecutorBuilder(settings, NAME, ScimoeSettings.POOL_SIZE.get(settings), 1000, "scimoe.inference_pool",
                org.elasticsearch.common.util.concurrent.EsExecutors.TaskTrackingConfig.DO_NOT_TRACK);
    }
}

package org.scimoe.elasticsearch.model;

import java.util.ArrayList;
import java.util.List;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.threadpool.ExecutorBuilder;
import org.elasticsearch.threadpool.FixedExecutorBuilder;
import org.scimoe.elasticsearch.ScimoeSettings;

/**
 * The plugin's own fixed thread pools: model loading and inference never block Elasticsearch's threads.
 * {@value #NAME} embeds documents (and everything when there is no query pool); {@value #QUERY_NAME}
 * embeds query texts, so a search never queues behind a bulk load's document batches.
 */
public final class InferencePool {
    public static final String NAME = "scimoe_inference";
    public static final String QUERY_NAME = "scimoe_query";

    private InferencePool() {}

    public static List<ExecutorBuilder<?>> builders(Settings settings) {
        // Queue: tasks are batches or whole requests, so a thousand is plenty; beyond it callers get a rejection.
        List<ExecutorBuilder<?>> pools = new ArrayList<>();
        pools.add(new FixedExecutorBuilder(settings, NAME, ScimoeSettings.POOL_SIZE.get(settings), 1000, "scimoe.inference_pool",
                EsExecutors.TaskTrackingConfig.DO_NOT_TRACK));
        if (hasQueryPool(settings)) {
            pools.add(new FixedExecutorBuilder(settings, QUERY_NAME, ScimoeSettings.QUERY_POOL_SIZE.get(settings), 1000, "scimoe.query_pool",
                    EsExecutors.TaskTrackingConfig.DO_NOT_TRACK));
        }
        return pools;
    }

    public static boolean hasQueryPool(Settings settings) {
        return ScimoeSettings.QUERY_POOL_SIZE.get(settings) > 0;
    }
}

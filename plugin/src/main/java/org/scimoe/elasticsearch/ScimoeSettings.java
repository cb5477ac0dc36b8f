package org.scimoe.elasticsearch;

import java.util.List;
import java.util.function.Function;
import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Setting.Property;
import org.elasticsearch.common.settings.Settings;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.runtime.DeviceRequest;

/** The plugin's node settings (elasticsearch.yml), and the encoder options they make. */
public final class ScimoeSettings {
    private ScimoeSettings() {}

    public static final Setting<String> DEVICE = Setting.simpleString("scimoe.device", "auto", value -> DeviceRequest.parse(value),
            Property.NodeScope);

    /** ONNX Runtime threads per inference; 0 = ONNX Runtime's default (all cores). */
    public static final Setting<Integer> THREADS = Setting.intSetting("scimoe.threads", 0, 0, Property.NodeScope);

    /** Most padded tokens in one inference batch: bounds the memory a batch takes. */
    public static final Setting<Integer> TOKEN_BUDGET = Setting.intSetting("scimoe.batch.token_budget",
            EncoderOptions.DEFAULTS.tokenBudget(), 1, Property.NodeScope);

    /** Most texts in one inference batch (documents are micro-batched up to this many). */
    public static final Setting<Integer> MAX_BATCH = Setting.intSetting("scimoe.batch.max_size",
            EncoderOptions.DEFAULTS.maxBatchSize(), 1, Property.NodeScope);

    /** Threads of the plugin's inference pool; inference itself is multi-threaded, so few are enough. */
    public static final Setting<Integer> POOL_SIZE = Setting.intSetting("scimoe.inference.threads", 1, 1, 64, Property.NodeScope);

    /** Extra directories with model bundles, besides the plugin's models/ and the node's config/scimoe/models/. */
    public static final Setting<List<String>> MODEL_DIRS = Setting.listSetting("scimoe.models.dirs", List.of(), Function.identity(),
            Property.NodeScope);

    /** How many query embeddings the query cache keeps. */
    public static final Setting<Integer> QUERY_CACHE_SIZE = Setting.intSetting("scimoe.query_cache.size", 10_000, 0, Property.NodeScope);

    public static List<Setting<?>> all() {
        return List.of(DEVICE, THREADS, TOKEN_BUDGET, MAX_BATCH, POOL_SIZE, MODEL_DIRS, QUERY_CACHE_SIZE);
    }

    public static EncoderOptions encoderOptions(Settings settings) {
        return EncoderOptions.DEFAULTS
                .withDevice(DeviceRequest.parse(DEVICE.get(settings)))
                .withThreads(THREADS.get(settings))
                .withBatching(TOKEN_BUDGET.get(settings), MAX_BATCH.get(settings), EncoderOptions.DEFAULTS.sortByLength());
    }
}

package org.scimoe.elasticsearch;

import java.util.List;
import java.util.function.Function;
import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Setting.Property;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.core.TimeValue;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.runtime.DeviceRequest;

/** The plugin's node settings (elasticsearch.yml), and the encoder options they make. */
public final class ScimoeSettings {
    private ScimoeSettings() {}

    public static final Setting<String> DEVICE = Setting.simpleString("scimoe.device", "auto", value -> DeviceRequest.parse(value),
            Property.NodeScope);

    /** ONNX Runtime threads per inference; 0 = ONNX Runtime's default (all cores). */
    public static final Setting<Integer> THREADS = Setting.intSetting("scimoe.threads", 0, 0, Property.NodeScope);

    /**
     * Whether ONNX Runtime's idle inference threads spin-wait for the next task (its default) or sleep. Spinning threads
     * could take cores that HTTP and search need; on the 2-core benchmark node turning it off changed nothing measurable
     * (BENCHMARKS.md), so ONNX Runtime's default stays.
     */
    public static final Setting<Boolean> SPINNING = Setting.boolSetting("scimoe.inference.spinning", true, Property.NodeScope);

    /** Most padded tokens in one inference batch: bounds the memory a batch takes. */
    public static final Setting<Integer> TOKEN_BUDGET = Setting.intSetting("scimoe.batch.token_budget",
            EncoderOptions.DEFAULTS.tokenBudget(), 1, Property.NodeScope);

    /** Most texts in one inference batch (documents are micro-batched up to this many). */
    public static final Setting<Integer> MAX_BATCH = Setting.intSetting("scimoe.batch.max_size",
            EncoderOptions.DEFAULTS.maxBatchSize(), 1, Property.NodeScope);

    /** Threads of the plugin's inference pool; inference itself is multi-threaded, so few are enough. */
    public static final Setting<Integer> POOL_SIZE = Setting.intSetting("scimoe.inference.threads", 1, 1, 64, Property.NodeScope);

    /**
     * Threads of the pool {@code scimoe_query} that embeds query texts (searches, {@code _embed} with role query), so a
     * search does not wait behind the document batches of a bulk load; 0: queries share {@code scimoe_inference}. Default:
     * one per allocated processor (at most 8), each running one single-core inference ({@link #QUERY_INFERENCE_THREADS}).
     */
    public static final Setting<Integer> QUERY_POOL_SIZE = Setting.intSetting("scimoe.query.threads",
            s -> Integer.toString(Math.max(1, Math.min(8, org.elasticsearch.common.util.concurrent.EsExecutors.allocatedProcessors(s)))), 0, 64,
            Property.NodeScope);

    /**
     * ONNX Runtime threads per query-text inference, on a second session of each bundle: one core per inference, so the
     * query pool's threads (one per core by default) embed several searches' texts side by side, where one all-core
     * session serves them one after the other (BENCHMARKS.md: 1.37× the queries/s at 8 clients on 2 cores). 0: query
     * texts share the documents' session ({@code scimoe.threads}), one session per bundle.
     */
    public static final Setting<Integer> QUERY_INFERENCE_THREADS = Setting.intSetting("scimoe.query.inference_threads", 1, 0, 64,
            Property.NodeScope);

    /** Extra directories with model bundles, besides the plugin's models/ and the node's config/scimoe/models/. */
    public static final Setting<List<String>> MODEL_DIRS = Setting.listSetting("scimoe.models.dirs", List.of(), Function.identity(),
            Property.NodeScope);

    /** How many query embeddings the query cache keeps. */
    public static final Setting<Integer> QUERY_CACHE_SIZE = Setting.intSetting("scimoe.query_cache.size", 10_000, 0, Property.NodeScope);

    // ---- load: bounded queues, query micro-batches, query timeout (issue 10, sections 1 and 2) ----

    /**
     * Most documents waiting for inference on this node; more are refused with 429 at once. About a minute of
     * work for abstracts on 2 cores: a client learns of overload instead of waiting minutes for an answer.
     */
    public static final Setting<Integer> INFERENCE_QUEUE_SIZE = Setting.intSetting("scimoe.inference.queue_size", 1000, 1,
            Property.NodeScope);

    /** Most query texts waiting for inference (searches, {@code _embed} with role query); more are refused with 429. */
    public static final Setting<Integer> QUERY_QUEUE_SIZE = Setting.intSetting("scimoe.query.queue_size", 1000, 1, Property.NodeScope);

    /**
     * Most query texts embedded in one micro-batch; 1: every query text alone. The default is 1 unless the node asks
     * for a GPU ({@code scimoe.device: cuda}, then 32): on a CPU a batch costs the sum of its texts and each of them
     * waits for all, so micro-batches raised no throughput and lengthened the latency tail (BENCHMARKS.md, issue 10).
     */
    public static final Setting<Integer> QUERY_MAX_BATCH = Setting.intSetting("scimoe.query.batch.max_size",
            s -> DeviceRequest.parse(DEVICE.get(s)).kind() == DeviceRequest.Kind.CUDA ? "32" : "1", 1, 1024, Property.NodeScope);

    /** How long a query text may wait for others to share its micro-batch (only while fewer than a full batch wait). */
    public static final Setting<TimeValue> QUERY_BATCH_WAIT = Setting.timeSetting("scimoe.query.batch.wait", TimeValue.timeValueMillis(2),
            TimeValue.ZERO, TimeValue.timeValueSeconds(1), Property.NodeScope);

    /** The longest a search waits for its query embedding (queue + inference); then it fails with 429 naming this setting. */
    public static final Setting<TimeValue> QUERY_TIMEOUT = Setting.timeSetting("scimoe.query.timeout", TimeValue.timeValueSeconds(30),
            TimeValue.timeValueMillis(1), Property.NodeScope);

    private static List<Setting<?>> loadSettings() {
        return List.of(INFERENCE_QUEUE_SIZE, QUERY_QUEUE_SIZE, QUERY_MAX_BATCH, QUERY_BATCH_WAIT, QUERY_TIMEOUT);
    }

    public static List<Setting<?>> all() {
        List<Setting<?>> all = new java.util.ArrayList<>(List.of(DEVICE, THREADS, SPINNING, TOKEN_BUDGET, MAX_BATCH, POOL_SIZE, QUERY_POOL_SIZE, QUERY_INFERENCE_THREADS,
                MODEL_DIRS, QUERY_CACHE_SIZE));
        all.addAll(loadSettings());
        return all;
    }

    public static EncoderOptions encoderOptions(Settings settings) {
        return EncoderOptions.DEFAULTS
                .withDevice(DeviceRequest.parse(DEVICE.get(settings)))
                .withThreads(THREADS.get(settings))
                .withSpinning(SPINNING.get(settings))
                .withBatching(TOKEN_BUDGET.get(settings), MAX_BATCH.get(settings), EncoderOptions.DEFAULTS.sortByLength());
    }
}

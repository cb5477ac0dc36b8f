package org.scimoe.elasticsearch.model;

import java.util.List;
import java.util.concurrent.Executor;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.lucene.util.SetOnce;
import org.elasticsearch.ElasticsearchTimeoutException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ContextPreservingActionListener;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.tasks.CancellableTask;
import org.elasticsearch.threadpool.Scheduler;
import org.elasticsearch.threadpool.ThreadPool;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.elasticsearch.ScimoeSettings;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.Role;

/**
 * The plugin's one entry point to inference: every embedding is computed on the plugin's own thread
 * pools (never on a transport, HTTP or cluster-state thread), through two bounded {@link TextBatcher}s:
 * documents on {@value InferencePool#NAME}, query texts on {@value InferencePool#QUERY_NAME} (or the
 * inference pool when the node has no query pool) in micro-batches. A query text found in the
 * {@link QueryEmbeddingCache} is answered on the calling thread, without queueing behind inference.
 */
public final class EmbeddingService implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(EmbeddingService.class);
    private static final long CLOSE_WAIT_MILLIS = 60_000;
    private final ModelRegistry registry;
    private final QueryEmbeddingCache queryCache;
    private final TextBatcher documents;
    private final TextBatcher queries;
    private final TimeValue queryTimeout;
    private final String queryPoolName;
    private final SetOnce<ThreadPool> threadPool = new SetOnce<>();

    public EmbeddingService(ModelRegistry registry, Settings settings) {
        this.registry = registry;
        this.queryCache = new QueryEmbeddingCache(ScimoeSettings.QUERY_CACHE_SIZE.get(settings));
        this.queryTimeout = ScimoeSettings.QUERY_TIMEOUT.get(settings);
        int inferenceThreads = ScimoeSettings.POOL_SIZE.get(settings);
        this.documents = new TextBatcher(registry, () -> executor(InferencePool.NAME), new TextBatcher.Config(Role.DOCUMENT,
                InferencePool.NAME, ScimoeSettings.INFERENCE_QUEUE_SIZE.getKey(), ScimoeSettings.INFERENCE_QUEUE_SIZE.get(settings),
                ScimoeSettings.MAX_BATCH.get(settings), inferenceThreads, 0));
        boolean queryPool = InferencePool.hasQueryPool(settings);
        this.queryPoolName = queryPool ? InferencePool.QUERY_NAME : InferencePool.NAME;
        this.queries = new TextBatcher(registry, () -> executor(queryPoolName), new TextBatcher.Config(Role.QUERY, queryPoolName,
                ScimoeSettings.QUERY_QUEUE_SIZE.getKey(), ScimoeSettings.QUERY_QUEUE_SIZE.get(settings),
                ScimoeSettings.QUERY_MAX_BATCH.get(settings), queryPool ? ScimoeSettings.QUERY_POOL_SIZE.get(settings) : inferenceThreads,
                ScimoeSettings.QUERY_BATCH_WAIT.get(settings).nanos()));
    }

    /** The thread pool exists only once the node builds its components, after the ingest factories. */
    public void bind(ThreadPool pool) {
        threadPool.set(pool);
    }

    private Executor executor(String name) {
        ThreadPool pool = threadPool.get();
        if (pool == null) {
            throw new IllegalStateException("scimoe: the inference pool is not ready yet (node still starting)");
        }
        return pool.executor(name);
    }

    public ModelRegistry registry() {
        return registry;
    }

    public QueryEmbeddingCache queryCache() {
        return queryCache;
    }

    /** Embeds one document's text, batched with the documents that arrive meanwhile; 429 when the queue is full. */
    public void embedDocument(String model, EmbedInput input, ActionListener<Embedding> listener) {
        documents.submit(model, input, preservingContext(listener));
    }

    /**
     * Embeds texts as one call, in order, and fails as a whole when one input fails, naming the input.
     * Query texts: a cache hit is answered here, the others go to the query micro-batches, each with the
     * query timeout ({@code scimoe.query.timeout}); documents go to the document batches.
     * A cancelled {@code task} abandons what is still waiting.
     */
    public void embed(String model, List<EmbedInput> inputs, Role role, CancellableTask task, ActionListener<List<Embedding>> listener) {
        if (inputs.isEmpty()) {
            listener.onResponse(List.of());
            return;
        }
        EmbedCall call = new EmbedCall(inputs.size(), listener);
        if (task != null) {
            task.addListener(() -> call.fail(task.getTaskCancelledException()));
        }
        if (role != Role.QUERY) {
            for (int i = 0; i < inputs.size(); i++) {
                call.track(documents.submit(model, inputs.get(i), preservingContext(call.slot(i))));
            }
            return;
        }
        BundleManifest manifest;
        try {
            manifest = registry.manifest(model); // the catalog only: no model is loaded on this thread
        } catch (Throwable t) {
            listener.onFailure(EmbedErrors.toElasticsearch(t));
            return;
        }
        for (int i = 0; i < inputs.size(); i++) {
            EmbedInput in = inputs.get(i);
            QueryEmbeddingCache.Key key = new QueryEmbeddingCache.Key(manifest.name(), cacheVersion(manifest), in.domain(), in.text());
            Embedding cached = queryCache.get(key);
            if (cached != null) {
                call.slot(i).onResponse(cached);
                continue;
            }
            ActionListener<Embedding> slot = call.slot(i).map(fresh -> {
                queryCache.put(key, fresh);
                return fresh;
            });
            TextBatcher.Ticket ticket = queries.submit(model, in, preservingContext(slot));
            call.track(ticket);
            call.track(scheduleTimeout(ticket));
        }
    }

    /** A reloaded bundle may keep its version string; its graph's checksum tells the versions apart. */
    private static String cacheVersion(BundleManifest m) {
        return m.version() + "@" + m.modelSha256();
    }

    /** Abandons a queued or running query text when the query timeout passes first. */
    private TextBatcher.Ticket scheduleTimeout(TextBatcher.Ticket ticket) {
        ThreadPool pool = threadPool.get();
        if (pool == null) {
            return reason -> {};
        }
        Scheduler.ScheduledCancellable timer = pool.schedule(() -> ticket.abandon(new ElasticsearchTimeoutException(
                "scimoe: the query text was not embedded within [" + ScimoeSettings.QUERY_TIMEOUT.getKey() + "] = " + queryTimeout
                        + " (queue [" + queryPoolName + "] busy); retry later or raise the setting")),
                queryTimeout, pool.generic());
        return reason -> timer.cancel();
    }

    /** A batch mixes texts of different requests; each answer must run in its own request's thread context. */
    private <T> ActionListener<T> preservingContext(ActionListener<T> listener) {
        ThreadPool pool = threadPool.get();
        return pool == null ? listener : ContextPreservingActionListener.wrapPreservingContext(listener, pool.getThreadContext());
    }

    /** Stops taking texts and lets the running batches finish before the encoders are closed. */
    @Override
    public void close() {
        boolean idle = documents.close(CLOSE_WAIT_MILLIS) & queries.close(CLOSE_WAIT_MILLIS);
        if (idle) {
            registry.close();
        } else {
            // An inference still runs: closing its session would crash the node; the process exit frees it.
            LOG.warn("scimoe: an inference batch was still running after {} ms; model sessions left open at shutdown", CLOSE_WAIT_MILLIS);
        }
    }
}

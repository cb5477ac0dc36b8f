package org.scimoe.elasticsearch.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.apache.lucene.util.SetOnce;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ContextPreservingActionListener;
import org.elasticsearch.threadpool.ThreadPool;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.InvalidInputException;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;

/**
 * The plugin's one entry point to inference: every embedding is computed on the plugin's own thread
 * pool (never on a transport, HTTP or cluster-state thread). Documents go through the
 * {@link DocumentBatcher}; queries through the {@link QueryEmbeddingCache}.
 */
public final class EmbeddingService implements AutoCloseable {
    private final ModelRegistry registry;
    private final QueryEmbeddingCache queryCache;
    private final DocumentBatcher documents;
    private final SetOnce<ThreadPool> threadPool = new SetOnce<>();
    private final boolean queryPool;

    public EmbeddingService(ModelRegistry registry, int queryCacheSize, int maxBatch, int poolSize, boolean queryPool) {
        this.registry = registry;
        this.queryPool = queryPool;
        this.queryCache = new QueryEmbeddingCache(queryCacheSize);
        this.documents = new DocumentBatcher(registry, () -> executor(InferencePool.NAME), maxBatch, poolSize);
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

    /** Embeds one document's text, batched with the documents that arrive meanwhile. */
    public void embedDocument(String model, EmbedInput input, ActionListener<Embedding> listener) {
        // A batch mixes documents of different requests; each answer must run in its own request's context.
        ThreadPool pool = threadPool.get();
        documents.submit(model, input, pool == null ? listener
                : ContextPreservingActionListener.wrapPreservingContext(listener, pool.getThreadContext()));
    }

    /**
     * Embeds texts as one call, in order: query texts on the query pool (if the node has one), after a
     * look-up in the query cache; document texts on the inference pool. Fails as a whole when one input
     * is bad, naming the input.
     */
    public void embed(String model, List<EmbedInput> inputs, Role role, ActionListener<List<Embedding>> listener) {
        Runnable work = () -> {
            try {
                listener.onResponse(embedNow(model, inputs, role));
            } catch (Throwable t) {
                listener.onFailure(EmbedErrors.toElasticsearch(t));
            }
        };
        try {
            executor(role == Role.QUERY && queryPool ? InferencePool.QUERY_NAME : InferencePool.NAME).execute(work);
        } catch (RuntimeException rejected) {
            listener.onFailure(rejected);
        }
    }

    private List<Embedding> embedNow(String model, List<EmbedInput> inputs, Role role) {
        TextEmbedder encoder = registry.encoder(model);
        for (int i = 0; i < inputs.size(); i++) {
            try {
                encoder.check(inputs.get(i));
            } catch (InvalidInputException e) {
                throw inputs.size() == 1 ? e : e.atInput(i);
            }
        }
        if (role != Role.QUERY) {
            return encoder.embed(inputs, role);
        }
        BundleManifest m = encoder.manifest();
        List<Embedding> out = new ArrayList<>(inputs.size());
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            EmbedInput in = inputs.get(i);
            Embedding cached = queryCache.get(new QueryEmbeddingCache.Key(m.name(), cacheVersion(m), in.domain(), in.text()));
            out.add(cached);
            if (cached == null) {
                missing.add(i);
            }
        }
        if (missing.isEmpty() == false) {
            List<Embedding> fresh = encoder.embed(missing.stream().map(inputs::get).toList(), role);
            for (int j = 0; j < missing.size(); j++) {
                int i = missing.get(j);
                EmbedInput in = inputs.get(i);
                queryCache.put(new QueryEmbeddingCache.Key(m.name(), cacheVersion(m), in.domain(), in.text()), fresh.get(j));
                out.set(i, fresh.get(j));
            }
        }
        return out;
    }

    /** A reloaded bundle may keep its version string; its graph's checksum tells the versions apart. */
    private static String cacheVersion(BundleManifest m) {
        return m.version() + "@" + m.modelSha256();
    }

    @Override
    public void close() {
        registry.close();
    }
}

package org.scimoe.elasticsearch.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.elasticsearch.action.ActionListener;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;

/**
 * Gathers documents that arrive concurrently (the documents of a bulk request reach an async ingest
 * processor without waiting for each other) and embeds them in batches on the inference pool.
 * While one batch runs, the next documents queue up and go together in the next batch. Each document
 * is checked on its own first, so a bad one fails alone and the others of its batch are embedded.
 */
public final class DocumentBatcher {
    /** One document's text waiting for its vector. */
    private record Pending(String model, EmbedInput input, ActionListener<Embedding> listener) {}

    private final ModelRegistry registry;
    private final Supplier<Executor> executor;
    private final int maxBatch;
    private final int maxDrainers;
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger drainers = new AtomicInteger();

    public DocumentBatcher(ModelRegistry registry, Supplier<Executor> executor, int maxBatch, int maxDrainers) {
        this.registry = registry;
        this.executor = executor;
        this.maxBatch = maxBatch;
        this.maxDrainers = maxDrainers;
    }

    public void submit(String model, EmbedInput input, ActionListener<Embedding> listener) {
        queue.add(new Pending(model, input, listener));
        startDrainerIfNeeded();
    }

    private void startDrainerIfNeeded() {
        while (queue.isEmpty() == false) {
            int running = drainers.get();
            if (running >= maxDrainers) {
                return; // a running drainer will take it
            }
            if (drainers.compareAndSet(running, running + 1)) {
                try {
                    executor.get().execute(this::drain);
                } catch (RuntimeException rejected) {
                    drainers.decrementAndGet();
                    failAll(rejected);
                }
                return;
            }
        }
    }

    /**
     * Embeds one batch, then hands the pool back: the next batch is a new task behind whatever was
     * queued meanwhile, so a search's query embedding waits for at most one batch of a long bulk load.
     */
    private void drain() {
        try {
            List<Pending> batch = poll();
            if (batch.isEmpty() == false) {
                embedBatch(batch);
            }
        } finally {
            drainers.decrementAndGet();
            startDrainerIfNeeded(); // the documents that arrived during this batch form the next one
        }
    }

    private List<Pending> poll() {
        List<Pending> batch = new ArrayList<>();
        Pending p;
        while (batch.size() < maxBatch && (p = queue.poll()) != null) {
            batch.add(p);
        }
        return batch;
    }

    private void embedBatch(List<Pending> batch) {
        Map<String, List<Pending>> byModel = new LinkedHashMap<>();
        for (Pending p : batch) {
            byModel.computeIfAbsent(p.model() == null ? "" : p.model(), k -> new ArrayList<>()).add(p);
        }
        for (List<Pending> group : byModel.values()) {
            embedGroup(group);
        }
    }

    /** One model's documents: the ones that pass the check are embedded together. */
    private void embedGroup(List<Pending> group) {
        TextEmbedder encoder;
        try {
            encoder = registry.encoder(group.get(0).model());
        } catch (Throwable t) {
            group.forEach(p -> p.listener().onFailure(EmbedErrors.toElasticsearch(t)));
            return;
        }
        List<Pending> good = new ArrayList<>();
        for (Pending p : group) {
            try {
                encoder.check(p.input());
                good.add(p);
            } catch (Throwable t) {
                p.listener().onFailure(EmbedErrors.toElasticsearch(t));
            }
        }
        if (good.isEmpty()) {
            return;
        }
        List<Embedding> vectors;
        try {
            vectors = encoder.embed(good.stream().map(Pending::input).toList(), Role.DOCUMENT);
        } catch (Throwable t) {
            good.forEach(p -> p.listener().onFailure(EmbedErrors.toElasticsearch(t)));
            return;
        }
        for (int i = 0; i < good.size(); i++) {
            good.get(i).listener().onResponse(vectors.get(i));
        }
    }

    private void failAll(Exception e) {
        Pending p;
        while ((p = queue.poll()) != null) {
            p.listener().onFailure(EmbedErrors.toElasticsearch(e));
        }
    }
}

package org.scimoe.elasticsearch.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;

/**
 * Gathers texts that arrive concurrently (the documents of bulk requests, the query texts of concurrent
 * searches) and embeds them in batches on a pool. While one batch runs, the next texts queue up and go
 * together in the next batch; with a batch wait, a drainer that finds fewer than a full batch also waits
 * until the oldest text has waited that long, so texts arriving a moment apart share a batch.
 * <p>
 * With several drainers (threads), a drainer takes only its share of what waits (the waiting texts divided
 * by the drainers, rounded up) and lets the next drainer start on the rest: on a CPU a batch costs about
 * the sum of its texts, and every text in it waits for the whole batch, so one thread holding all the
 * waiting texts while another sits idle is what made the tail of search latency (issue 10).
 * <p>
 * The queue is bounded: a text that does not fit is refused at once with an
 * {@link EsRejectedExecutionException} (HTTP 429) naming the queue and the setting, instead of waiting
 * behind minutes of work. Each text is checked on its own first, so a bad one fails alone. A queued
 * text can be {@linkplain Ticket#abandon abandoned} (timeout, cancelled task): it is then skipped and
 * frees its place.
 */
public final class TextBatcher {

    /**
     * How a batcher runs. {@code queue} names it in rejections (the pool it runs on), {@code capacitySetting}
     * is the setting that bounds it; {@code maxWaitNanos} is how long a lone text may wait for company.
     */
    public record Config(Role role, String queue, String capacitySetting, int capacity, int maxBatch, int maxDrainers,
                         long maxWaitNanos) {
        public Config {
            if (capacity < 1 || maxBatch < 1 || maxDrainers < 1 || maxWaitNanos < 0) {
                throw new IllegalArgumentException("batcher [" + queue + "]: capacity, batch size and drainers must be >= 1, wait >= 0");
            }
        }
    }

    /** A queued text; its caller may give up on it. */
    public interface Ticket {
        /** Answers the text's listener with {@code reason} (unless already answered) and drops it if still queued. */
        void abandon(Exception reason);
    }

    private static final int QUEUED = 0, TAKEN = 1, DROPPED = 2;

    /** One text waiting for its vector. */
    private final class Pending implements Ticket {
        final String model;
        final EmbedInput input;
        final ActionListener<Embedding> listener;
        final long enqueuedNanos = System.nanoTime();
        final AtomicInteger state = new AtomicInteger(QUEUED);

        Pending(String model, EmbedInput input, ActionListener<Embedding> listener) {
            this.model = model;
            this.input = input;
            this.listener = ActionListener.notifyOnce(listener);
        }

        @Override
        public void abandon(Exception reason) {
            if (state.compareAndSet(QUEUED, DROPPED)) {
                waiting.decrementAndGet(); // its place is free now; the drainer skips it
            }
            listener.onFailure(reason); // a running batch's later answer is ignored (notifyOnce)
        }
    }

    private static final Ticket DONE = reason -> {};

    private final ModelRegistry registry;
    private final Supplier<Executor> executor;
    private final Config config;
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    /** Texts queued and not abandoned: what the capacity bounds. */
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger drainers = new AtomicInteger();
    private final Object batchFull = new Object();
    private volatile boolean closed;

    public TextBatcher(ModelRegistry registry, Supplier<Executor> executor, Config config) {
        this.registry = registry;
        this.executor = executor;
        this.config = config;
    }

    /** Queues one text, or answers its listener with a rejection at once when the queue is full. */
    public Ticket submit(String model, EmbedInput input, ActionListener<Embedding> listener) {
        if (closed) {
            listener.onFailure(new EsRejectedExecutionException("scimoe: queue [" + config.queue() + "] is closed (node shutting down)", true));
            return DONE;
        }
        if (waiting.incrementAndGet() > config.capacity()) {
            waiting.decrementAndGet();
            listener.onFailure(rejection());
            return DONE;
        }
        Pending p = new Pending(model, input, listener);
        queue.add(p);
        if (config.maxWaitNanos() > 0 && waiting.get() >= config.maxBatch()) {
            synchronized (batchFull) {
                batchFull.notifyAll(); // a lingering drainer has a full batch now
            }
        }
        startDrainerIfNeeded();
        return p;
    }

    /** Texts waiting (not yet in a batch). */
    public int waiting() {
        return waiting.get();
    }

    private EsRejectedExecutionException rejection() {
        String what = config.role() == Role.QUERY ? "query texts" : "documents";
        return new EsRejectedExecutionException("scimoe: rejected: queue [" + config.queue() + "] is full: " + config.capacity() + " "
                + what + " are waiting for inference (bounded by [" + config.capacitySetting() + "] = " + config.capacity()
                + "); retry later or send less at once", false);
    }

    private void startDrainerIfNeeded() {
        while (queue.isEmpty() == false) {
            int running = drainers.get();
            if (running >= config.maxDrainers()) {
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
     * queued meanwhile, so another task on the same pool waits for at most one batch.
     */
    private void drain() {
        try {
            if (closed) {
                failAll(new EsRejectedExecutionException("scimoe: queue [" + config.queue() + "] is closed (node shutting down)", true));
                return;
            }
            awaitCompany();
            List<Pending> batch = poll();
            startDrainerIfNeeded(); // what this drainer left is the next drainer's share
            if (batch.isEmpty() == false) {
                embedBatch(batch);
            }
        } finally {
            drainers.decrementAndGet();
            startDrainerIfNeeded(); // the texts that arrived during this batch form the next one
        }
    }

    /** With a batch wait: until a full batch is waiting or the oldest text has waited the batch wait. */
    private void awaitCompany() {
        if (config.maxWaitNanos() == 0) {
            return;
        }
        Pending oldest = queue.peek();
        if (oldest == null) {
            return;
        }
        long deadline = oldest.enqueuedNanos + config.maxWaitNanos();
        synchronized (batchFull) {
            long left;
            while (waiting.get() < config.maxBatch() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(batchFull, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private List<Pending> poll() {
        int limit = Math.min(config.maxBatch(), share(waiting.get(), config.maxDrainers()));
        List<Pending> batch = new ArrayList<>();
        Pending p;
        while (batch.size() < limit && (p = queue.poll()) != null) {
            if (p.state.compareAndSet(QUEUED, TAKEN)) {
                waiting.decrementAndGet();
                batch.add(p);
            } // else abandoned: already answered, place already freed
        }
        return batch;
    }

    /** One drainer's part of the waiting texts: all of them with one drainer, an even split with several. */
    private static int share(int waiting, int drainers) {
        return Math.max(1, (waiting + drainers - 1) / drainers);
    }

    private void embedBatch(List<Pending> batch) {
        Map<String, List<Pending>> byModel = new LinkedHashMap<>();
        for (Pending p : batch) {
            byModel.computeIfAbsent(p.model == null ? "" : p.model, k -> new ArrayList<>()).add(p);
        }
        for (List<Pending> group : byModel.values()) {
            embedGroup(group);
        }
    }

    /** One model's texts: the ones that pass the check are embedded together. */
    private void embedGroup(List<Pending> group) {
        TextEmbedder encoder;
        try {
            encoder = registry.encoder(group.get(0).model);
        } catch (Throwable t) {
            group.forEach(p -> p.listener.onFailure(EmbedErrors.toElasticsearch(t)));
            return;
        }
        List<Pending> good = new ArrayList<>();
        for (Pending p : group) {
            try {
                encoder.check(p.input);
                good.add(p);
            } catch (Throwable t) {
                p.listener.onFailure(EmbedErrors.toElasticsearch(t));
            }
        }
        if (good.isEmpty()) {
            return;
        }
        List<Embedding> vectors;
        try {
            vectors = encoder.embed(good.stream().map(p -> p.input).toList(), config.role());
        } catch (Throwable t) {
            good.forEach(p -> p.listener.onFailure(EmbedErrors.toElasticsearch(t)));
            return;
        }
        for (int i = 0; i < good.size(); i++) {
            good.get(i).listener.onResponse(vectors.get(i));
        }
    }

    /**
     * Refuses new texts, fails the queued ones, and waits at most {@code timeoutMillis} for a batch still
     * running. Returns whether none runs any more: only then may the encoders be closed (closing a session
     * under a running inference crashes the process in native code).
     */
    public boolean close(long timeoutMillis) {
        closed = true;
        failAll(new EsRejectedExecutionException("scimoe: queue [" + config.queue() + "] is closed (node shutting down)", true));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (drainers.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return drainers.get() == 0;
    }

    private void failAll(Exception e) {
        Pending p;
        while ((p = queue.poll()) != null) {
            if (p.state.compareAndSet(QUEUED, TAKEN)) {
                waiting.decrementAndGet();
            }
            p.listener.onFailure(EmbedErrors.toElasticsearch(e));
        }
    }
}

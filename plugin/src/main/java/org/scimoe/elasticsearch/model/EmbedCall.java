package org.scimoe.elasticsearch.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.rest.RestStatus;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.InvalidInputException;

/**
 * The answers of one call's texts, embedded separately (cache, batches), gathered in the caller's order.
 * The first failure answers the whole call, names the input when there are several, and abandons the
 * call's texts still waiting, so no inference is spent on an answer nobody reads.
 */
final class EmbedCall {
    private final Embedding[] results;
    private final AtomicInteger missing;
    private final AtomicBoolean done = new AtomicBoolean();
    private final ActionListener<List<Embedding>> listener;
    private final List<TextBatcher.Ticket> tickets = new ArrayList<>();

    EmbedCall(int size, ActionListener<List<Embedding>> listener) {
        this.results = new Embedding[size];
        this.missing = new AtomicInteger(size);
        this.listener = listener;
    }

    /** The listener of input {@code index}. */
    ActionListener<Embedding> slot(int index) {
        return ActionListener.wrap(embedding -> {
            results[index] = embedding;
            if (missing.decrementAndGet() == 0 && done.compareAndSet(false, true)) {
                release(null);
                listener.onResponse(Arrays.asList(results));
            }
        }, e -> fail(results.length == 1 ? e : atInput(e, index)));
    }

    /** Keeps a handle to give up on when the call ends early. */
    void track(TextBatcher.Ticket ticket) {
        boolean late;
        synchronized (tickets) {
            tickets.add(ticket);
            late = done.get();
        }
        if (late) {
            ticket.abandon(new IllegalStateException("scimoe: the call already ended"));
        }
    }

    void fail(Exception e) {
        if (done.compareAndSet(false, true)) {
            release(e);
            listener.onFailure(e);
        }
    }

    private void release(Exception reason) {
        Exception r = reason == null ? new IllegalStateException("scimoe: the call already ended") : reason;
        List<TextBatcher.Ticket> all;
        synchronized (tickets) {
            all = List.copyOf(tickets);
        }
        all.forEach(t -> t.abandon(r));
    }

    /** An input's problem, said of the i-th input (400), as a call with several texts reports it. */
    private static Exception atInput(Exception e, int index) {
        Throwable cause = e instanceof InvalidInputException ? e : e.getCause();
        if (cause instanceof InvalidInputException invalid) {
            InvalidInputException at = invalid.atInput(index);
            return new ElasticsearchStatusException(at.getMessage(), RestStatus.BAD_REQUEST, at);
        }
        return e;
    }
}

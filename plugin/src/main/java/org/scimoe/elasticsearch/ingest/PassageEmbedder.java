package org.scimoe.elasticsearch.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.elasticsearch.action.ActionListener;
import org.scimoe.elasticsearch.model.EmbeddingService;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.PassageSplitter;
import org.scimoe.embed.PassageSplitter.Passage;

/**
 * Embeds a long text as passages: the engine's {@link PassageSplitter} cuts it (on the calling
 * thread; tokenising only), then every passage joins the node's document batches like any other
 * document, and the answer comes when all of them are embedded. One splitter per model, made on
 * first use and kept for the node's life (a tokenizer is small).
 */
final class PassageEmbedder {
    /** A passage and its vector; offset and length are characters of the embedded (joined) text. */
    record PassageVector(int offset, int length, Embedding embedding) {}

    /** A document's passages, and whether {@code max_passages} left some of its text out. */
    record Result(List<PassageVector> passages, boolean truncated, int tokens) {}

    private final EmbeddingService service;
    private final ConcurrentMap<String, PassageSplitter> splitters = new ConcurrentHashMap<>();

    PassageEmbedder(EmbeddingService service) {
        this.service = service;
    }

    void embed(String model, String text, String domain, ChunkingOptions options, ActionListener<Result> listener) {
        List<Passage> passages;
        try {
            PassageSplitter splitter = splitters.computeIfAbsent(model, m -> PassageSplitter.forBundle(service.registry().bundle(m)));
            passages = splitter.split(text, options.maxTokens(), options.overlapTokens(), options.maxPassages());
        } catch (RuntimeException e) {
            listener.onFailure(e);
            return;
        }
        if (passages.isEmpty()) {
            listener.onResponse(new Result(List.of(), false, 0));
            return;
        }
        Passage last = passages.get(passages.size() - 1);
        boolean truncated = !text.substring(last.offset() + last.length()).isBlank();
        AtomicReferenceArray<Embedding> done = new AtomicReferenceArray<>(passages.size());
        AtomicInteger remaining = new AtomicInteger(passages.size());
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (int i = 0; i < passages.size(); i++) {
            int index = i;
            service.embedDocument(model, new EmbedInput(passages.get(i).text(text), domain), ActionListener.wrap(embedding -> {
                done.set(index, embedding);
                finishOne(passages, done, remaining, failure, truncated, listener);
            }, e -> {
                failure.compareAndSet(null, e);
                finishOne(passages, done, remaining, failure, truncated, listener);
            }));
        }
    }

    /** The last passage to finish answers for the document: its vectors, or the first failure. */
    private static void finishOne(List<Passage> passages, AtomicReferenceArray<Embedding> done, AtomicInteger remaining,
                                  AtomicReference<Exception> failure, boolean truncated, ActionListener<Result> listener) {
        if (remaining.decrementAndGet() > 0) {
            return;
        }
        if (failure.get() != null) {
            listener.onFailure(failure.get());
            return;
        }
        List<PassageVector> out = new ArrayList<>(passages.size());
        int tokens = 0;
        for (int i = 0; i < passages.size(); i++) {
            Passage p = passages.get(i);
            out.add(new PassageVector(p.offset(), p.length(), done.get(i)));
            tokens += done.get(i).tokens();
        }
        listener.onResponse(new Result(out, truncated, tokens));
    }
}

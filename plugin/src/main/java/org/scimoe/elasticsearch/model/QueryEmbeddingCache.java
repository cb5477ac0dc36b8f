package org.scimoe.elasticsearch.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.scimoe.embed.Embedding;

/**
 * Recently embedded queries, least recently used evicted first. Users repeat queries (paging,
 * refreshing, dashboards); a hit saves a model run. Keyed by bundle name and version, so a bundle
 * replaced by a new version never answers with old vectors.
 */
public final class QueryEmbeddingCache {
    public record Key(String bundle, String version, String domain, String text) {}

    private final int capacity;
    private final Map<Key, Embedding> entries;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    public QueryEmbeddingCache(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Embedding> eldest) {
                return size() > QueryEmbeddingCache.this.capacity;
            }
        };
    }

    /** The cached embedding or null; counts a hit or a miss. */
    public Embedding get(Key key) {
        Embedding e;
        synchronized (entries) {
            e = entries.get(key);
        }
        (e == null ? misses : hits).incrementAndGet();
        return e;
    }

    public void put(Key key, Embedding embedding) {
        if (capacity == 0) {
            return;
        }
        synchronized (entries) {
            entries.put(key, embedding);
        }
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}

package org.scimoe.training.train;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scimoe.embed.Role;

/**
 * Pooled vectors of a frozen base encoder by key, each text pooled once: kept in memory and, when a
 * file is given, in that file across runs (it belongs to one base encoder and token limit; runs that
 * differ only in the SB-MoE block share it). What the store lacks is pooled and added.
 */
public final class PooledTexts {
    /** Pools texts the store lacks: un-normalised vectors in the order of the texts. */
    @FunctionalInterface
    public interface Pooler {
        float[][] pool(List<String> texts, Role role);
    }

    /** Texts pooled between two saves of the cache file, by default. */
    static final int SAVE_EVERY = 4096;

    private final Path file;
    private final Pooler pooler;
    private final PrintWriter log;
    private final int saveEvery;
    private Map<String, float[]> store;

    /** @param file the cache file, or null to keep vectors in memory only */
    public PooledTexts(Path file, Pooler pooler, PrintWriter log) {
        this(file, pooler, log, SAVE_EVERY);
    }

    PooledTexts(Path file, Pooler pooler, PrintWriter log, int saveEvery) {
        this.file = file;
        this.pooler = pooler;
        this.log = log;
        this.saveEvery = saveEvery;
    }

    /** The vectors of {@code texts} (key → text), under the same keys; keys name texts, so one key is one text. */
    public Map<String, float[]> byKey(Map<String, String> texts, Role role) {
        Map<String, float[]> all = store();
        List<String> missing = texts.keySet().stream().filter(k -> !all.containsKey(k)).toList();
        if (!missing.isEmpty()) {
            log.printf("pooling %d of %d texts (%s)...%n", missing.size(), texts.size(), role.name().toLowerCase(java.util.Locale.ROOT));
            long t0 = System.nanoTime();
            // in parts, each saved when done: pooling with a large encoder takes an hour here, and a run cut short
            // (a session's end, a crash) keeps what it pooled for the next one
            for (int from = 0; from < missing.size(); from += saveEvery) {
                List<String> part = missing.subList(from, Math.min(missing.size(), from + saveEvery));
                float[][] vectors = pooler.pool(part.stream().map(texts::get).toList(), role);
                for (int i = 0; i < part.size(); i++) {
                    all.put(part.get(i), vectors[i]);
                }
                if (file != null) {
                    PooledCache.write(file, all);
                }
                log.printf("pooled %d/%d (%.0f s)%n", from + part.size(), missing.size(), (System.nanoTime() - t0) / 1e9);
            }
        }
        Map<String, float[]> out = new HashMap<>(texts.size() * 2);
        texts.keySet().forEach(k -> out.put(k, all.get(k)));
        return out;
    }

    /** The vectors of texts in their order, keyed by role and content (for texts without an id of their own). */
    public float[][] byText(List<String> texts, Role role) {
        Map<String, String> keyed = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(texts.size());
        for (String text : texts) {
            String key = contentKey(text, role);
            keys.add(key);
            keyed.put(key, text);
        }
        Map<String, float[]> vectors = byKey(keyed, role);
        return keys.stream().map(vectors::get).toArray(float[][]::new);
    }

    /** A text's key by content: its role (prefixes differ by role) and the SHA-256 of its UTF-8 bytes. */
    static String contentKey(String text, Role role) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "text:" + role.name() + ":" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private Map<String, float[]> store() {
        if (store == null) {
            store = new HashMap<>();
            if (file != null && Files.isRegularFile(file)) {
                store.putAll(PooledCache.read(file));
                log.printf("%d pooled vectors read from %s%n", store.size(), file);
            }
        }
        return store;
    }
}

package org.scimoe.eval;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.scimoe.bundle.ManifestWriter;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Document vectors kept on disk between evaluations, one file per (bundle, texts): the key hashes the
 * bundle's manifest (its graph checksum, max tokens, pooling, prefixes) and every input's text and
 * domain, so any change to the model or the corpus, or to how documents are joined, misses the cache.
 */
public final class VectorCache {
    private static final Logger LOG = LoggerFactory.getLogger(VectorCache.class);
    private static final int MAGIC = 0x53634D56; // "ScMV"

    private final Path dir;

    public VectorCache(Path dir) {
        this.dir = dir;
    }

    /** {@code $XDG_CACHE_HOME/scimoe/vectors}, else {@code ~/.cache/scimoe/vectors}. */
    public static Path defaultDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("scimoe").resolve("vectors");
    }

    /** The cached embeddings of these inputs, or the embedder's (then stored). {@code progress} (may be null) sees only real work. */
    public List<Embedding> embed(TextEmbedder embedder, List<EmbedInput> inputs, Role role, LongConsumer progress) {
        Path file = dir.resolve(key(embedder, inputs, role) + ".vec");
        Optional<List<Embedding>> cached = read(file, inputs.size(), embedder.manifest().dimensions());
        if (cached.isPresent()) {
            return cached.get();
        }
        List<Embedding> vectors = embedder.embed(inputs, role, progress);
        write(file, vectors, embedder.manifest().dimensions());
        return vectors;
    }

    static String key(TextEmbedder embedder, List<EmbedInput> inputs, Role role) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ManifestWriter.toJson(embedder.manifest()).getBytes(StandardCharsets.UTF_8));
            sha.update(role.name().getBytes(StandardCharsets.UTF_8));
            for (EmbedInput in : inputs) {
                sha.update((byte) 0);
                sha.update(in.text().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 1);
                sha.update(String.valueOf(in.domain()).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Empty when absent or unreadable: a damaged cache file is recomputed, never trusted. */
    private static Optional<List<Embedding>> read(Path file, int count, int dims) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != count || in.readInt() != dims) {
                return Optional.empty();
            }
            List<Embedding> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                float[] v = new float[dims];
                for (int d = 0; d < dims; d++) {
                    v[d] = in.readFloat();
                }
                int tokens = in.readInt();
                boolean truncated = in.readBoolean();
                out.add(new Embedding(v, tokens, truncated, null, -1, null));
            }
            return Optional.of(out);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Written to a temporary file and moved, so a crash never leaves a half file under the real name. */
    private void write(Path file, List<Embedding> vectors, int dims) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "partial", ".tmp");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                out.writeInt(MAGIC);
                out.writeInt(vectors.size());
                out.writeInt(dims);
                for (Embedding e : vectors) {
                    for (float f : e.vector()) {
                        out.writeFloat(f);
                    }
                    out.writeInt(e.tokens());
                    out.writeBoolean(e.truncated());
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // a cache that cannot be written costs time next run, not this result
            LOG.warn("cannot write the vector cache {}: {}", file, e.toString());
        }
    }
}

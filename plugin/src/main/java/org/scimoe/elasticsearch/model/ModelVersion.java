package org.scimoe.elasticsearch.model;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.EncoderStats;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;
import org.scimoe.runtime.Device;

/**
 * One loaded version of a bundle, reference counted so that a reload never closes a session under a
 * running inference. The registry holds one reference while the version is current; each
 * {@link #embed} holds one while it runs. {@link #retire} drops the registry's reference: the session
 * closes when the last running inference ends. A caller that took this version before a reload and
 * only starts embedding after it was closed is served by the bundle's current version instead.
 */
final class ModelVersion implements TextEmbedder {
    private final TextEmbedder encoder;
    private final Supplier<TextEmbedder> current;
    /** 1 (the registry's) + running inferences; 0 = closed for good. */
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile boolean retired;

    /**
     * @param encoder the loaded encoder, owned from now on
     * @param current the bundle's current version, for callers that arrive after this one closed
     */
    ModelVersion(TextEmbedder encoder, Supplier<TextEmbedder> current) {
        this.encoder = encoder;
        this.current = current;
    }

    @Override
    public List<Embedding> embed(List<EmbedInput> inputs, Role role) {
        if (tryRetain() == false) {
            return current.get().embed(inputs, role);
        }
        try {
            return encoder.embed(inputs, role);
        } finally {
            release();
        }
    }

    private boolean tryRetain() {
        while (true) {
            int n = refs.get();
            if (n == 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private void release() {
        if (refs.decrementAndGet() == 0) {
            encoder.close();
        }
    }

    /** No longer current: closes now, or when the last running inference ends. Call once. */
    void retire() {
        retired = true;
        release();
    }

    /** Inferences running on this version now. */
    int running() {
        int n = refs.get();
        return retired ? n : n - 1;
    }

    boolean closed() {
        return refs.get() == 0;
    }

    @Override
    public BundleManifest manifest() {
        return encoder.manifest();
    }

    @Override
    public Device device() {
        return encoder.device();
    }

    @Override
    public void check(EmbedInput input) {
        encoder.check(input); // reads the manifest only, safe after close
    }

    @Override
    public EncoderStats stats() {
        return encoder.stats();
    }

    /** The registry closes versions with {@link #retire}; a caller's close must not end a shared session. */
    @Override
    public void close() {}
}

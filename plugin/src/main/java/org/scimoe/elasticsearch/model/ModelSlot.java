package org.scimoe.elasticsearch.model;

import org.scimoe.bundle.BundleException;
import org.scimoe.elasticsearch.model.ModelStatus.State;
import org.scimoe.embed.TextEmbedder;

/**
 * The life of one bundle name on this node: validated at start, loaded on first use, replaced by a
 * reload. Loads, validations and reloads of one bundle run one at a time; requests read the current
 * version without waiting (a reload swaps it in when the new version is fully loaded).
 */
final class ModelSlot {
    /**
     * Opens a bundle fully (checksum, tokenizer, session, graph contract) or fails with a path-free reason. {@code serving}
     * false is the start-up check: one session proves the bundle, a second one for query texts would only double its time.
     */
    interface Loader {
        TextEmbedder load(BundleSources.Found found, boolean serving) throws LoadFailed;
    }

    /** Why a bundle could not be opened; the message is already free of the node's paths. */
    static final class LoadFailed extends Exception {
        LoadFailed(String reason) {
            super(reason, null, false, false);
        }
    }

    private final String name;
    private final Loader loader;
    private final Object lock = new Object();
    private volatile BundleSources.Found found;
    private volatile State state = State.VALIDATING;
    private volatile String failure;
    private volatile String reloadFailure;
    private volatile ModelVersion current;
    private volatile boolean closed;

    ModelSlot(BundleSources.Found found, Loader loader) {
        this.name = found.bundle().name();
        this.found = found;
        this.loader = loader;
    }

    /** The start-up check: opens the bundle and closes it again, so the report is true before first use. */
    void validate() {
        synchronized (lock) {
            if (state != State.VALIDATING || closed) {
                return; // a request or a reload got here first
            }
            try {
                loader.load(found, false).close();
                state = State.READY;
            } catch (LoadFailed e) {
                fail(e.getMessage());
            }
        }
    }

    /** The current version, loaded on first use; throws with the reason when the bundle failed. */
    TextEmbedder encoder() {
        ModelVersion v = current;
        if (v != null) {
            return v;
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("scimoe: the node is closing");
            }
            if (current != null) {
                return current;
            }
            if (state == State.FAILED) {
                throw failedException();
            }
            try {
                current = new ModelVersion(loader.load(found, true), this::encoder);
                state = State.LOADED;
                return current;
            } catch (LoadFailed e) {
                fail(e.getMessage());
                throw failedException();
            }
        }
    }

    /** Throws with the reason when the bundle failed, so pipelines and queries naming it are refused up front. */
    void ensureUsable() {
        if (state == State.FAILED) {
            throw failedException();
        }
    }

    /**
     * Loads {@code replacement} and makes it current; the old version finishes its running inferences
     * and closes. When the replacement does not load, a loaded old version keeps serving and the
     * failure is reported; with nothing loaded the bundle becomes failed.
     */
    void reload(BundleSources.Found replacement) {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("scimoe: the node is closing");
            }
            TextEmbedder fresh;
            try {
                fresh = loader.load(replacement, true);
            } catch (LoadFailed e) {
                ModelVersion serving = current;
                if (serving == null) {
                    found = replacement;
                    fail(e.getMessage());
                    throw new BundleException("model '" + name + "' failed to reload: " + e.getMessage());
                }
                reloadFailure = e.getMessage();
                throw new BundleException("model '" + name + "' failed to reload, version [" + serving.manifest().version()
                        + "] keeps serving: " + e.getMessage());
            }
            ModelVersion old = current;
            found = replacement;
            current = new ModelVersion(fresh, this::encoder);
            state = State.LOADED;
            failure = null;
            reloadFailure = null;
            if (old != null) {
                old.retire();
            }
        }
    }

    private void fail(String reason) {
        state = State.FAILED;
        failure = reason;
    }

    private BundleException failedException() {
        return new BundleException("model '" + name + "' failed to load: " + failure);
    }

    BundleSources.Found found() {
        return found;
    }

    ModelStatus status() {
        BundleSources.Found f = found;
        ModelVersion v = current;
        State s = state;
        // The manifest of the version that serves, or of the bundle on disk when none is loaded.
        return new ModelStatus(name, f.source().label(), f.overrides(), v != null ? v.manifest() : f.bundle().manifest(), s,
                s == State.FAILED ? failure : null, reloadFailure, v != null ? v.device().toString() : null,
                v != null ? v.stats() : null);
    }

    void close() {
        synchronized (lock) {
            closed = true;
            ModelVersion v = current;
            current = null;
            if (v != null) {
                v.retire();
            }
        }
    }
}

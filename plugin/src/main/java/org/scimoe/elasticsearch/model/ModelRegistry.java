package org.scimoe.elasticsearch.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.scimoe.ScimoeException;
import org.scimoe.bundle.BundleCatalog;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.elasticsearch.model.ModelStatus.State;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.TextEmbedder;

/**
 * The node's model bundles and their encoders. Bundles are found once at start; an encoder is
 * loaded the first time its bundle is used (never at start, never on a cluster-state thread: callers
 * are on the plugin's inference pool). Per bundle the registry keeps either the encoder or why it
 * could not be loaded, so a broken bundle answers with its reason and the node stays up.
 */
public final class ModelRegistry implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ModelRegistry.class);

    /** A loaded encoder or the reason it failed; exactly one is set. */
    private record Loaded(TextEmbedder encoder, String failure) {}

    private final BundleCatalog catalog;
    private final EncoderOptions options;
    private final ConcurrentMap<String, Loaded> loaded = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Object> loadLocks = new ConcurrentHashMap<>();

    public ModelRegistry(List<Path> roots, EncoderOptions options) {
        this.catalog = BundleCatalog.scan(roots);
        this.options = options;
        LOG.info("scimoe models: {} in {}", catalog.bundles().stream().map(ModelBundle::name).toList(), roots);
        for (BundleCatalog.Problem problem : catalog.problems()) {
            LOG.warn("scimoe: bundle directory {} cannot be used: {}", problem.directory(), problem.reason());
        }
    }

    /** The bundle's manifest, without loading it; throws a ScimoeException naming what is available. */
    public BundleManifest manifest(String model) {
        return catalog.get(model).manifest();
    }

    /** The bundle on disk (manifest, tokenizer), without loading its encoder. */
    public ModelBundle bundle(String model) {
        return catalog.get(model);
    }

    /** The bundle's name as the catalog resolves it (null → the default bundle). */
    public String resolveName(String model) {
        return catalog.get(model).name();
    }

    /**
     * The bundle's encoder, loading it on first use. Blocks while loading (about a second), so call
     * it from the inference pool only. Throws ScimoeException for an unknown bundle or a failed load.
     */
    public TextEmbedder encoder(String model) {
        ModelBundle bundle = catalog.get(model);
        Loaded state = loaded.get(bundle.name());
        if (state == null) {
            // One load per bundle; other bundles load (or answer) meanwhile.
            synchronized (loadLocks.computeIfAbsent(bundle.name(), k -> new Object())) {
                state = loaded.get(bundle.name());
                if (state == null) {
                    state = load(bundle);
                    loaded.put(bundle.name(), state);
                }
            }
        }
        if (state.failure() != null) {
            throw new ScimoeException("model '" + bundle.name() + "' failed to load: " + state.failure());
        }
        return state.encoder();
    }

    private Loaded load(ModelBundle bundle) {
        long start = System.nanoTime();
        try {
            TextEmbedder encoder = PluginClassLoaderScope.call(() -> OnnxEncoder.load(bundle, options));
            LOG.info("scimoe: loaded model [{}] on {} in {} ms", bundle.name(), encoder.device(), (System.nanoTime() - start) / 1_000_000);
            return new Loaded(encoder, null);
        } catch (Throwable t) {
            // Native loading can throw Errors (UnsatisfiedLinkError, AssertionError from static init);
            // one escaping here would kill the node, so every failure becomes this bundle's reason.
            String reason = t.getClass().getSimpleName() + ": " + t.getMessage();
            LOG.warn("scimoe: model [" + bundle.name() + "] failed to load", t);
            return new Loaded(null, reason);
        }
    }

    /** Every bundle (and unreadable bundle directory) with its state, without loading anything. */
    public List<ModelStatus> status() {
        List<ModelStatus> out = new ArrayList<>();
        for (ModelBundle bundle : catalog.bundles()) {
            Loaded state = loaded.get(bundle.name());
            if (state == null) {
                out.add(new ModelStatus(bundle.name(), bundle.directory().toString(), bundle.manifest(), State.NOT_LOADED, null, null, null));
            } else if (state.failure() != null) {
                out.add(new ModelStatus(bundle.name(), bundle.directory().toString(), bundle.manifest(), State.FAILED, state.failure(), null,
                        null));
            } else {
                TextEmbedder e = state.encoder();
                out.add(new ModelStatus(bundle.name(), bundle.directory().toString(), bundle.manifest(), State.LOADED, null,
                        e.device().toString(), e.stats()));
            }
        }
        for (BundleCatalog.Problem problem : catalog.problems()) {
            out.add(new ModelStatus(problem.directory().getFileName().toString(), problem.directory().toString(), null, State.FAILED,
                    problem.reason(), null, null));
        }
        return out;
    }

    @Override
    public void close() {
        for (Loaded state : loaded.values()) {
            if (state.encoder() != null) {
                try {
                    state.encoder().close();
                } catch (RuntimeException e) {
                    LOG.warn("scimoe: closing an encoder failed", e);
                }
            }
        }
        loaded.clear();
    }
}

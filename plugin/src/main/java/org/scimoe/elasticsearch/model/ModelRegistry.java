package org.scimoe.elasticsearch.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.scimoe.bundle.BundleCatalog;
import org.scimoe.bundle.BundleException;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.elasticsearch.model.ModelStatus.State;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.TextEmbedder;

/**
 * The node's model bundles and their encoders. Bundles are found at start ({@link BundleSources}) and
 * checked by {@link #validateAll} (the plugin runs it on the generic pool, never on a cluster-state or
 * transport thread); an encoder is loaded the first time its bundle is used, on the plugin's pools, and
 * replaced by {@link #reload}. A broken bundle is remembered with its reason: it is listed as failed,
 * requests naming it are refused with that reason, the node stays up. No message that leaves the
 * registry carries one of the node's absolute paths.
 */
public final class ModelRegistry implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ModelRegistry.class);

    private final BundleSources sources;
    private final EncoderOptions options;
    private final int queryThreads;
    private final ConcurrentMap<String, ModelSlot> slots = new ConcurrentHashMap<>();
    private volatile List<BundleSources.Problem> problems;
    private volatile boolean closed;

    public ModelRegistry(BundleSources sources, EncoderOptions options) {
        this(sources, options, 0);
    }

    /** @param queryThreads ONNX Runtime threads of a second session for query texts; 0: one session serves both roles */
    public ModelRegistry(BundleSources sources, EncoderOptions options, int queryThreads) {
        this.sources = sources;
        this.options = options;
        this.queryThreads = queryThreads;
        BundleSources.Scan scan = sources.scan(true);
        scan.bundles().forEach((name, found) -> slots.put(name, new ModelSlot(found, this::load)));
        this.problems = scan.problems();
    }

    /** Bundles from plain directories (tests and tools; no built-in folder). */
    public ModelRegistry(List<Path> roots, EncoderOptions options) {
        this(roots, options, 0);
    }

    /** As above, with a query session of {@code queryThreads} threads (0: none). */
    public ModelRegistry(List<Path> roots, EncoderOptions options, int queryThreads) {
        this(new BundleSources(roots.stream().map(p -> ModelSource.operator(p.getFileName().toString(), p)).toList()), options, queryThreads);
    }

    /** The bundle on disk (manifest, tokenizer), without loading its encoder. Throws naming the bundle when unknown or failed. */
    public ModelBundle bundle(String model) {
        ModelSlot slot = slot(model);
        slot.ensureUsable();
        return slot.found().bundle();
    }

    /**
     * Checks every bundle as a first use would (checksum, tokenizer, ONNX session, graph contract), one
     * after the other, and closes it again. Blocks for about a second per bundle: call it on a pool.
     */
    public void validateAll() {
        List<ModelSlot> todo = new ArrayList<>(slots.values());
        todo.sort(Comparator.comparing(s -> s.found().bundle().name()));
        for (ModelSlot slot : todo) {
            if (closed) {
                return;
            }
            slot.validate();
        }
        LOG.info("scimoe: bundles checked: {}", status().stream().map(s -> s.name() + "=" + s.state().name().toLowerCase(Locale.ROOT)).toList());
    }

    /** The bundle's manifest, without loading it. Throws naming the bundle when it is unknown or failed. */
    public BundleManifest manifest(String model) {
        ModelSlot slot = slot(model);
        slot.ensureUsable();
        return slot.found().bundle().manifest();
    }

    /** The bundle's name as the registry resolves it (null → the default bundle). */
    public String resolveName(String model) {
        return slot(model).found().bundle().name();
    }

    /**
     * The bundle's current encoder, loading it on first use. Blocks while loading (about a second), so
     * call it from the plugin's pools only. The encoder stays usable across a reload: inferences that
     * started on it finish on it.
     */
    public TextEmbedder encoder(String model) {
        if (closed) {
            throw new IllegalStateException("scimoe: the node is closing");
        }
        return slot(model).encoder();
    }

    /**
     * Reads the bundle's directory again and serves the new version from now on (running inferences end
     * on the old one). A bundle that was not there at start is added. Blocks while loading: call it on a pool.
     */
    public ModelStatus reload(String model) {
        String name = model == null ? BundleCatalog.DEFAULT_BUNDLE : model;
        BundleSources.Scan scan = sources.scan(false);
        BundleSources.Found found = scan.bundles().get(name);
        if (found == null) {
            this.problems = scan.problems();
            throw unknown(name, scan.bundles().keySet(), scan.problems());
        }
        ModelSlot slot = slots.computeIfAbsent(name, n -> new ModelSlot(found, this::load));
        slot.reload(found);
        LOG.info("scimoe: reloaded model [{}] version [{}] from [{}]", name, found.bundle().manifest().version(), found.source().label());
        return slot.status();
    }

    private ModelSlot slot(String model) {
        String name = model == null ? BundleCatalog.DEFAULT_BUNDLE : model;
        ModelSlot slot = slots.get(name);
        if (slot == null) {
            throw unknown(name, slots.keySet(), problems);
        }
        return slot;
    }

    private static BundleException unknown(String name, Set<String> available, List<BundleSources.Problem> problems) {
        for (BundleSources.Problem p : problems) {
            if (p.directoryName().equals(name)) {
                return new BundleException("model '" + name + "' cannot be loaded: " + p.reason());
            }
        }
        return new BundleException("unknown model '" + name + "'; available: " + new TreeSet<>(available));
    }

    private TextEmbedder load(BundleSources.Found found, boolean serving) throws ModelSlot.LoadFailed {
        long start = System.nanoTime();
        try {
            TextEmbedder encoder = PluginClassLoaderScope.call(() -> open(found, serving));
            LOG.info("scimoe: opened model [{}] version [{}] from [{}] on {} in {} ms", found.bundle().name(),
                    found.bundle().manifest().version(), found.source().label(), encoder.device(), (System.nanoTime() - start) / 1_000_000);
            return encoder;
        } catch (Throwable t) {
            // Native loading can throw Errors (UnsatisfiedLinkError, AssertionError from static init);
            // one escaping would kill the node, so every failure becomes this bundle's reason.
            LOG.warn("scimoe: model [" + found.bundle().name() + "] from [" + found.source().label() + "] cannot be used", t);
            throw new ModelSlot.LoadFailed(sources.redactor().redact(t.getClass().getSimpleName() + ": " + t.getMessage()));
        }
    }

    /**
     * The bundle's encoder: when serving with {@code queryThreads} > 0, a second session with that many threads serves
     * query texts.
     */
    private TextEmbedder open(BundleSources.Found found, boolean serving) {
        OnnxEncoder documents = OnnxEncoder.load(found.bundle(), options);
        if (serving == false || queryThreads <= 0 || documents.device().name().startsWith("cuda")) {
            return documents; // one session for both roles (a GPU session serves concurrent work itself)
        }
        try {
            return new QuerySessionEncoder(documents, OnnxEncoder.load(found.bundle(), options.withThreads(queryThreads)));
        } catch (RuntimeException | Error e) {
            documents.close();
            throw e;
        }
    }

    /** Every bundle (and unreadable bundle directory) with its state, sorted by name; loads nothing. */
    public List<ModelStatus> status() {
        List<ModelStatus> out = new ArrayList<>();
        for (ModelSlot slot : slots.values()) {
            out.add(slot.status());
        }
        for (BundleSources.Problem p : problems) {
            out.add(new ModelStatus(p.directoryName(), p.source().label(), null, null, State.FAILED, p.reason(), null, null, null));
        }
        out.sort(Comparator.comparing(ModelStatus::name));
        return out;
    }

    @Override
    public void close() {
        closed = true;
        for (ModelSlot slot : slots.values()) {
            try {
                slot.close();
            } catch (RuntimeException e) {
                LOG.warn("scimoe: closing an encoder failed", e);
            }
        }
    }
}

package org.scimoe.elasticsearch.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.scimoe.bundle.BundleCatalog;
import org.scimoe.bundle.ModelBundle;

/**
 * Finds the bundles of the node's sources and decides which one a name means. The operator's folders
 * ({@code config/scimoe/models}, then {@code scimoe.models.dirs} in order) override the plugin's
 * built-in bundles of the same name; between two operator folders the first wins. Both cases are
 * logged when the node starts, so an override is never silent.
 */
public final class BundleSources {
    private static final Logger LOG = LogManager.getLogger(BundleSources.class);

    /** A bundle and where it comes from; {@code overrides} is the label of the built-in it replaces, or null. */
    public record Found(ModelBundle bundle, ModelSource source, String overrides) {}

    /** A directory that looked like a bundle but could not be opened; the reason is already redacted. */
    public record Problem(String directoryName, ModelSource source, String reason) {}

    /** One scan of every source. */
    public record Scan(Map<String, Found> bundles, List<Problem> problems) {}

    private final List<ModelSource> sources;
    private final PathRedactor redactor;

    public BundleSources(List<ModelSource> sources) {
        this.sources = List.copyOf(sources);
        this.redactor = new PathRedactor(sources);
    }

    public PathRedactor redactor() {
        return redactor;
    }

    public List<ModelSource> sources() {
        return sources;
    }

    /** Reads every source's manifests (cheap: no graph is hashed or opened). Logs overrides when {@code log}. */
    public Scan scan(boolean log) {
        Map<String, Found> bundles = new TreeMap<>();
        List<Problem> problems = new ArrayList<>();
        // Built-ins first, then the operator's folders in order.
        List<ModelSource> ordered = new ArrayList<>(sources.stream().filter(ModelSource::builtIn).toList());
        ordered.addAll(sources.stream().filter(s -> s.builtIn() == false).toList());
        for (ModelSource source : ordered) {
            BundleCatalog catalog = BundleCatalog.scan(List.of(source.path()));
            for (ModelBundle bundle : catalog.bundles()) {
                Found existing = bundles.get(bundle.name());
                if (existing == null) {
                    bundles.put(bundle.name(), new Found(bundle, source, null));
                } else if (existing.source().builtIn() && source.builtIn() == false) {
                    bundles.put(bundle.name(), new Found(bundle, source, existing.source().label()));
                    if (log) {
                        LOG.info("scimoe: bundle [{}] in [{}] overrides the plugin's built-in bundle of that name", bundle.name(),
                                source.label());
                    }
                } else if (log) {
                    LOG.warn("scimoe: bundle [{}] in [{}] is ignored: [{}] already has a bundle of that name", bundle.name(),
                            source.label(), existing.source().label());
                }
            }
            for (BundleCatalog.Problem p : catalog.problems()) {
                problems.add(new Problem(p.directory().getFileName().toString(), source, redactor.redact(p.reason())));
                if (log) {
                    LOG.warn("scimoe: bundle directory {} cannot be used: {}", p.directory(), p.reason());
                }
            }
        }
        if (log) {
            Map<String, String> where = new LinkedHashMap<>();
            bundles.forEach((name, found) -> where.put(name, found.source().label()));
            LOG.info("scimoe models: {}", where);
        }
        return new Scan(bundles, problems);
    }
}

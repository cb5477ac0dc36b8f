package org.scimoe.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The bundles found under one or more directories (each bundle is a sub-directory with a manifest).
 * A directory whose manifest cannot be read is kept as a {@link Problem}, so that callers can list
 * it with its reason instead of failing everything.
 */
public final class BundleCatalog {
    /** The bundle used when the caller names none. */
    public static final String DEFAULT_BUNDLE = "scimoe-minilm-cite";
    /** The encoder the default was trained from: the trainer's default base (training starts from an encoder, not from the trained default). */
    public static final String DEFAULT_BASE = "minilm-l6-v2";

    /** A directory that looked like a bundle but could not be opened. */
    public record Problem(Path directory, String reason) {}

    private final List<Path> roots;
    private final Map<String, ModelBundle> bundles = new TreeMap<>();
    private final List<Problem> problems = new ArrayList<>();

    private BundleCatalog(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    public static BundleCatalog scan(List<Path> roots) {
        BundleCatalog catalog = new BundleCatalog(roots);
        for (Path root : roots) {
            catalog.scanRoot(root);
        }
        return catalog;
    }

    private void scanRoot(Path root) {
        if (Files.isRegularFile(root.resolve(BundleManifest.FILE_NAME))) {
            add(root);
            return;
        }
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> children = Files.list(root)) {
            children.filter(p -> Files.isRegularFile(p.resolve(BundleManifest.FILE_NAME))).sorted().forEach(this::add);
        } catch (IOException e) {
            problems.add(new Problem(root, "cannot list: " + e.getMessage()));
        }
    }

    private void add(Path dir) {
        try {
            ModelBundle bundle = ModelBundle.open(dir);
            bundles.putIfAbsent(bundle.name(), bundle);
        } catch (BundleException e) {
            problems.add(new Problem(dir, e.getMessage()));
        }
    }

    public List<ModelBundle> bundles() {
        return List.copyOf(bundles.values());
    }

    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    /** The named bundle, or an error that lists what is available and where it looked. */
    public ModelBundle get(String name) {
        ModelBundle bundle = bundles.get(name == null ? DEFAULT_BUNDLE : name);
        if (bundle != null) {
            return bundle;
        }
        String wanted = name == null ? DEFAULT_BUNDLE : name;
        for (Problem p : problems) {
            if (p.directory().getFileName().toString().equals(wanted)) {
                throw new BundleException("model '" + wanted + "' cannot be loaded: " + p.reason());
            }
        }
        throw new BundleException("unknown model '" + wanted + "'; available: " + bundles.keySet() + " (searched " + roots
                + (bundles.isEmpty() ? "; build the bundles with ./scimoe build" : "") + ")");
    }
}

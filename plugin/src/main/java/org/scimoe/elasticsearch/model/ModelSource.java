package org.scimoe.elasticsearch.model;

import java.nio.file.Path;

/**
 * A directory the node takes bundles from, with the name operators know it by. The label, never the
 * absolute path, is what reports and error messages show.
 *
 * @param label   e.g. {@code plugin}, {@code config/scimoe/models}, {@code scimoe.models.dirs[0]}
 * @param path    the directory
 * @param builtIn the plugin's own {@code models/} folder (bundles shipped with the plugin)
 */
public record ModelSource(String label, Path path, boolean builtIn) {
    public static ModelSource builtIn(Path path) {
        return new ModelSource("plugin", path, true);
    }

    public static ModelSource operator(String label, Path path) {
        return new ModelSource(label, path, false);
    }
}

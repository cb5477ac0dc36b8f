package org.scimoe.elasticsearch.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes the node's absolute file paths out of messages that leave the node (error bodies, reports):
 * a bundle directory's path becomes its source's label, any other absolute file path its last element.
 * The engine's messages name files with full paths, which is right in a log and wrong in an HTTP answer.
 * ONNX names look like paths too ({@code /encoder/layer.3/output/LayerNorm/Add_1_output_0}); they are
 * kept, because only a path whose first element exists on this machine is taken for a file path.
 */
public final class PathRedactor {
    /** An absolute Unix path of two or more elements, not preceded by a word character (so not "cluster:monitor/x/y"). */
    private static final Pattern ABSOLUTE = Pattern.compile("(?<![\\w.:/\\]])/(?:[^/\\s'\"\\[\\](),;]+/)+([^/\\s'\"\\[\\](),;]*)");

    private record Prefix(String path, String label) {}

    private final List<Prefix> prefixes = new ArrayList<>();

    public PathRedactor(List<ModelSource> sources) {
        for (ModelSource source : sources) {
            Path abs = source.path().toAbsolutePath().normalize();
            prefixes.add(new Prefix(abs.toString(), source.label()));
            try {
                Path real = abs.toRealPath();
                if (real.equals(abs) == false) {
                    prefixes.add(new Prefix(real.toString(), source.label()));
                }
            } catch (IOException | RuntimeException e) {
                // a source that does not exist has no other spelling
            }
        }
        // Longest first, so a source inside another is replaced by its own label.
        prefixes.sort(Comparator.comparingInt((Prefix p) -> p.path().length()).reversed());
    }

    public String redact(String message) {
        if (message == null) {
            return null;
        }
        String out = message;
        for (Prefix p : prefixes) {
            out = out.replace(p.path(), "[" + p.label() + "]");
        }
        Matcher m = ABSOLUTE.matcher(out);
        return m.replaceAll(r -> Matcher.quoteReplacement(isFilePath(r.group()) ? ".../" + r.group(1) : r.group()));
    }

    private static boolean isFilePath(String path) {
        int second = path.indexOf('/', 1);
        try {
            return Files.isDirectory(Path.of(path.substring(0, second)));
        } catch (RuntimeException e) {
            return false;
        }
    }
}

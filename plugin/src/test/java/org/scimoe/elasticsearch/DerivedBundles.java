package org.scimoe.elasticsearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.xcontent.XContentType;

/**
 * Bundles made from the real ones for the lifecycle tests: the graph and tokenizer are symbolic links to
 * a real bundle's files (no copies of 90 MB graphs), the manifest is the real one under another name,
 * with changes. Writing again over a bundle replaces it, as an operator would before a reload.
 */
final class DerivedBundles {
    private DerivedBundles() {}

    /** Writes {@code target/name} from the real bundle {@code source}, manifest fields replaced by {@code changes}. */
    static Path write(String source, Path target, String name, Map<String, Object> changes) {
        Path from = ScimoeRestTestCase.bundlesDir().resolve(source);
        Path dir = target.resolve(name);
        try {
            Map<String, Object> manifest = new LinkedHashMap<>(XContentHelper.convertToMap(XContentType.JSON.xContent(),
                    Files.readString(from.resolve("scimoe-model.json"), StandardCharsets.UTF_8), true));
            manifest.put("name", name);
            manifest.putAll(changes);
            Files.createDirectories(dir);
            @SuppressWarnings("unchecked")
            Map<String, Object> files = (Map<String, Object>) manifest.get("files");
            for (Object file : files.values()) {
                Path link = dir.resolve((String) file);
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, from.resolve((String) file).toAbsolutePath());
            }
            // Written beside, then moved: a reader never sees half a manifest.
            Path tmp = dir.resolve("scimoe-model.json.tmp");
            Files.writeString(tmp, ScimoeRestTestCase.toJson(manifest), StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve("scimoe-model.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the test bundle " + dir, e);
        }
    }

    /** The SHA-256 of a real bundle's graph, from its manifest. */
    static String sha256(String source) {
        try {
            Map<String, Object> manifest = XContentHelper.convertToMap(XContentType.JSON.xContent(),
                    Files.readString(ScimoeRestTestCase.bundlesDir().resolve(source).resolve("scimoe-model.json"), StandardCharsets.UTF_8),
                    true);
            return (String) manifest.get("modelSha256");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.scimoe.training.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.scimoe.ScimoeException;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.bundle.ManifestWriter;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.Routing;

/**
 * Writes an edited encoder graph as a bundle next to the base bundle's tokenizer: model.onnx, its
 * SHA-256, and a manifest that keeps the base's tokenisation (max tokens, prefixes, inputs) and
 * says how the new graph routes and what it outputs. The result is opened (and so validated) before
 * it is returned.
 */
public final class BundleExporter {
    private BundleExporter() {}

    /** Who the new bundle is: its name, version, one line for humans, and the training record (command, data, seed). */
    public record Spec(String name, String version, String description, JsonNode training) {}

    public static ModelBundle write(org.scimoe.training.onnx.OnnxGraph graph, ModelBundle base, Spec spec, Routing routing,
                                    BundleManifest.Output output, Path dir) {
        return write(graph, base, spec, routing, output, base.manifest().normalize(), dir);
    }

    /** As above, with the final L2 normalisation chosen (a probe of intermediate states wants it off). */
    public static ModelBundle write(org.scimoe.training.onnx.OnnxGraph graph, ModelBundle base, Spec spec, Routing routing,
                                    BundleManifest.Output output, boolean normalize, Path dir) {
        BundleManifest b = base.manifest();
        try {
            Files.createDirectories(dir);
            Path model = dir.resolve("model.onnx");
            graph.write(model);
            Files.copy(base.tokenizerPath(), dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
            BundleManifest manifest = new BundleManifest(BundleManifest.FORMAT, spec.name(), spec.version(), spec.description(),
                    b.baseModel(), "model.onnx", "tokenizer.json", ModelBundle.sha256(model), "fp32", b.dimensions(), b.pooling(),
                    normalize, b.maxTokens(), b.queryPrefix(), b.documentPrefix(), b.inputs(), output, routing,
                    spec.training());
            ManifestWriter.write(manifest, dir.resolve(BundleManifest.FILE_NAME));
        } catch (IOException e) {
            throw new ScimoeException("cannot write bundle '" + spec.name() + "' to " + dir + ": " + e.getMessage(), e);
        }
        return ModelBundle.open(dir);
    }
}

package org.scimoe.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.scimoe.bundle.BundleCatalog;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.runtime.DeviceRequest;
import picocli.CommandLine.Option;

/** Options every command that loads a model shares. */
public final class ModelOptions {
    @Option(names = "--model", description = "model bundle name (default: ${DEFAULT-VALUE}); see `scimoe models`",
            defaultValue = BundleCatalog.DEFAULT_BUNDLE)
    public String model;

    @Option(names = "--models-dir", description = "directory of bundles (default: $SCIMOE_MODELS, else the built onnx-models/target/bundles)")
    public Path modelsDir;

    @Option(names = "--device", description = "cpu, cuda, cuda:N or auto (default: ${DEFAULT-VALUE})", defaultValue = "auto")
    public String device;

    @Option(names = "--threads", description = "ONNX Runtime threads per inference, 0 = all cores (default: ${DEFAULT-VALUE})", defaultValue = "0")
    public int threads;

    /** When the command line gave no --model, use {@code name} instead of the serving default (the trainer starts from a base encoder). */
    public void defaultTo(picocli.CommandLine.Model.CommandSpec spec, String name) {
        if (!spec.commandLine().getParseResult().hasMatchedOption("--model")) {
            model = name;
        }
    }

    public BundleCatalog catalog() {
        List<Path> roots = new ArrayList<>();
        if (modelsDir != null) {
            roots.add(modelsDir);
        } else {
            String env = System.getenv("SCIMOE_MODELS");
            if (env != null && !env.isBlank()) {
                roots.add(Path.of(env));
            }
            String built = System.getProperty("scimoe.bundles.dir");
            if (built != null) {
                roots.add(Path.of(built));
            }
        }
        return BundleCatalog.scan(roots);
    }

    /** The chosen bundle (e.g. for its tokenizer). */
    public ModelBundle bundle() {
        return catalog().get(model);
    }

    public OnnxEncoder open() {
        return OnnxEncoder.load(bundle(), EncoderOptions.DEFAULTS.withDevice(DeviceRequest.parse(device)).withThreads(threads));
    }
}

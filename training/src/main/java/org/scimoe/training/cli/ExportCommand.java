package org.scimoe.training.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.cli.ModelOptions;
import org.scimoe.io.InputException;
import org.scimoe.training.export.MoeBundleBuilder;
import org.scimoe.training.export.MoeRecipe;
import org.scimoe.training.export.TensorArchive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Builds bundles from trained models kept as recipe + tensor archive (what `train` writes, and what is committed). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Build bundles from trained models (scimoe-recipe.json + weights archive) on their base bundle.")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--recipe", description = "a scimoe-recipe.json, or a directory of model directories each holding one (repeatable)", required = true)
    List<Path> recipes;

    @Option(names = "--out", required = true, description = "bundles directory: each bundle is written to <out>/<name>")
    Path out;

    @Option(names = "--save-to", description = "also keep each model (recipe + weights re-encoded with --encoding) in <dir>/<name>/")
    Path saveTo;

    @Option(names = "--name", description = "with --save-to and one recipe: the name (and bundle name) to keep the model under")
    String rename;

    @Option(names = "--encoding", defaultValue = "DELTA_INT8", description = "with --save-to: FLOAT16, FLOAT32 or DELTA_INT8 (default: ${DEFAULT-VALUE})")
    TensorArchive.DType encoding;

    @Mixin
    ModelOptions models;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : recipes) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> children = Files.list(p)) {
                    children.map(c -> c.resolve(MoeRecipe.FILE_NAME)).filter(Files::isRegularFile).sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new InputException(p + ": no such recipe file or directory");
            }
        }
        var w = spec.commandLine().getOut();
        for (Path file : files) {
            MoeRecipe recipe = MoeRecipe.read(file);
            ModelBundle base = models.catalog().get(recipe.baseBundle());
            Path weights = file.getParent().resolve(recipe.weightsFile());
            var tensors = MoeBundleBuilder.readWeights(weights, base);
            if (rename != null) {
                if (files.size() != 1) {
                    throw new InputException("--name renames one model; " + files.size() + " recipes were given");
                }
                recipe = new MoeRecipe(rename, recipe.version(), recipe.description(), recipe.baseBundle(), recipe.baseSha256(), recipe.design(),
                        recipe.domains(), recipe.defaultDomain(), recipe.layers(), recipe.router(), recipe.gatePooling(), recipe.experts(),
                        recipe.residual(), recipe.weightsFile(), recipe.training());
            }
            if (saveTo != null) {
                // re-encode the model's weights (e.g. as int8 deltas to the base) where it is to be kept, e.g. onnx-models/trained/<name>
                Path dir = saveTo.resolve(recipe.name());
                Files.createDirectories(dir);
                String archive = "weights." + encoding.name().toLowerCase().replace('_', '-') + ".gz";
                MoeBundleBuilder.writeWeights(dir.resolve(archive), tensors, encoding, base);
                recipe = new MoeRecipe(recipe.name(), recipe.version(), recipe.description(), recipe.baseBundle(), recipe.baseSha256(),
                        recipe.design(), recipe.domains(), recipe.defaultDomain(), recipe.layers(), recipe.router(), recipe.gatePooling(),
                        recipe.experts(), recipe.residual(), archive, recipe.training());
                recipe.write(dir.resolve(MoeRecipe.FILE_NAME));
                tensors = MoeBundleBuilder.readWeights(dir.resolve(archive), base);
                w.printf("%s: weights saved as %s (%.1f MB)%n", dir, encoding, Files.size(dir.resolve(archive)) / 1e6);
            }
            ModelBundle built = MoeBundleBuilder.build(recipe, tensors, base, out.resolve(recipe.name()));
            w.printf("%s -> %s (%s, routing %s)%n", file, built.directory(), recipe.design().name().toLowerCase(),
                    built.manifest().routing().mode().name().toLowerCase());
        }
        if (files.isEmpty()) {
            w.println("no recipes found in " + recipes);
        }
        return 0;
    }
}

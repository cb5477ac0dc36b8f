package org.scimoe.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.scimoe.ScimoeException;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.bundle.Pooling;
import org.scimoe.imports.BundleImporter;
import org.scimoe.imports.ImportRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Make a model bundle from your own encoder (any BERT-family model.onnx + tokenizer.json): reads the graph's "
                + "inputs and outputs into the manifest, copies the files, sets the tokenizer's truncation to --max-tokens, "
                + "computes the checksum, then loads the bundle and embeds a test text. What the files cannot tell "
                + "(pooling, normalisation, prefixes) comes from the flags.")
final class ImportCommand implements Callable<Integer> {
    @Option(names = "--onnx", required = true, description = "the ONNX graph")
    Path onnx;

    @Option(names = "--tokenizer", required = true, description = "the HuggingFace tokenizer.json")
    Path tokenizer;

    @Option(names = "--name", required = true, description = "bundle name ([A-Za-z0-9][A-Za-z0-9._-]*), used with --model")
    String name;

    @Option(names = "--pooling", description = "mean or cls; required when the graph outputs token states")
    String pooling;

    @Option(names = "--max-tokens", description = "truncation length, special tokens included (default: the tokenizer file's)")
    Integer maxTokens;

    @Option(names = "--normalize", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "L2-normalise vectors (default: yes; --no-normalize keeps the graph's scale)")
    boolean normalize;

    @Option(names = "--query-prefix", defaultValue = "", description = "prepended to queries (E5: 'query: ')")
    String queryPrefix;

    @Option(names = "--document-prefix", defaultValue = "", description = "prepended to documents (E5: 'passage: ')")
    String documentPrefix;

    @Option(names = "--output", description = "the graph output holding the embedding (default: the only token-state output)")
    String output;

    @Option(names = "--precision", defaultValue = "fp32", description = "fp32, fp16 or int8, for the record (default: ${DEFAULT-VALUE})")
    String precision;

    @Option(names = "--out", description = "models directory to write <name>/ into (default: $SCIMOE_MODELS, else ./models)")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path root = out;
        if (root == null) {
            String env = System.getenv("SCIMOE_MODELS");
            root = Path.of(env != null && !env.isBlank() ? env : "models");
        }
        ImportRequest request = new ImportRequest(onnx, tokenizer, name, pooling(), maxTokens, normalize, queryPrefix, documentPrefix,
                output, precision, root);
        BundleImporter.Result result = BundleImporter.run(request);
        BundleManifest m = result.bundle().manifest();
        var o = spec.commandLine().getOut();
        o.printf("imported '%s' into %s%n", m.name(), result.bundle().directory());
        o.printf("  graph: inputs %s, %s%s; output '%s' (%s, %d dims); sha256 %s%n", m.inputs().inputIds(), m.inputs().attentionMask(),
                m.inputs().tokenTypeIds() == null ? "" : ", " + m.inputs().tokenTypeIds(), m.output().name(),
                m.output().kind().name().toLowerCase(Locale.ROOT), m.dimensions(), m.modelSha256());
        o.printf("  pooling %s, normalize %s, max tokens %d (tokenizer truncation set to match)%n",
                m.pooling().name().toLowerCase(Locale.ROOT), m.normalize(), m.maxTokens());
        o.printf("  test embedding: ok (a %d-token text)%n", result.testTokens());
        result.assumed().forEach(a -> o.println("  assumed " + a));
        o.printf("use it with: scimoe <command> --models-dir %s --model %s%n", result.bundle().directory().getParent(), m.name());
        return 0;
    }

    private Pooling pooling() {
        if (pooling == null) {
            return null;
        }
        return switch (pooling.toLowerCase(Locale.ROOT)) {
            case "mean" -> Pooling.MEAN;
            case "cls" -> Pooling.CLS;
            default -> throw new ScimoeException("--pooling must be mean or cls, not '" + pooling + "'");
        };
    }
}

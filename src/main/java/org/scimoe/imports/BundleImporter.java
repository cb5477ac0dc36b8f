package org.scimoe.imports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.scimoe.ScimoeException;
import org.scimoe.bundle.BundleException;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.bundle.ManifestReader;
import org.scimoe.bundle.ManifestWriter;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.OutputKind;
import org.scimoe.bundle.Pooling;
import org.scimoe.bundle.Routing;
import org.scimoe.bundle.TokenizerTruncation;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.Role;
import org.scimoe.runtime.DeviceRequest;
import org.scimoe.runtime.GraphSignature;
import org.scimoe.runtime.SessionFactory;

/**
 * Turns a raw {@code model.onnx} + {@code tokenizer.json} into a bundle: reads the graph's signature
 * for the manifest, copies the files, sets the tokenizer's truncation, computes the checksum, then
 * loads the bundle through the engine and embeds a short and a full-length text. The bundle is
 * assembled in a staging directory and moved into place only when all of that worked, so a refused
 * import leaves nothing behind.
 */
public final class BundleImporter {
    static final String CHECK_TEXT = "The crystalline lens of the vertebrate eye changes with age.";

    /** The written bundle, the test embedding, and what was assumed rather than read from the files. */
    public record Result(ModelBundle bundle, int testTokens, List<String> assumed) {}

    private BundleImporter() {}

    public static Result run(ImportRequest r) {
        requireFile(r.onnx(), "--onnx");
        requireFile(r.tokenizer(), "--tokenizer");
        List<String> assumed = new ArrayList<>();
        GraphSignature signature;
        try (OnnxSessionHolder held = new OnnxSessionHolder(r.onnx())) {
            signature = GraphSignature.infer(held.open.session(), r.outputName());
        }
        int maxTokens = maxTokens(r, assumed);
        Pooling pooling = r.pooling();
        if (signature.output().kind() == OutputKind.TOKEN_EMBEDDINGS && pooling == null) {
            throw new ScimoeException("--pooling mean|cls is required: the graph outputs token states ('" + signature.output().name()
                    + "') and does not say how the model was trained to pool them (sentence-transformers: see its "
                    + "1_Pooling/config.json; MiniLM and E5 use mean, BGE uses cls)");
        }
        if (pooling == null) {
            pooling = Pooling.MEAN; // ignored for a sentence_embedding output, but the manifest needs a value
        }
        if (r.normalize()) {
            assumed.add("normalize: vectors are L2-normalised (--no-normalize to keep the graph's scale)");
        }
        if (r.queryPrefix().isEmpty() && r.documentPrefix().isEmpty()) {
            assumed.add("prefixes: none (E5 needs --query-prefix 'query: ' --document-prefix 'passage: ')");
        }
        Path target = r.outRoot().resolve(r.name());
        if (Files.exists(target)) {
            throw new ScimoeException("--name '" + r.name() + "': " + target + " already exists (choose another name or remove it)");
        }
        Path staging = r.outRoot().resolve("." + r.name() + ".importing");
        try {
            deleteTree(staging);
            Files.createDirectories(staging);
            Files.copy(r.onnx(), staging.resolve("model.onnx"), StandardCopyOption.COPY_ATTRIBUTES);
            TokenizerTruncation.write(r.tokenizer(), staging.resolve("tokenizer.json"), maxTokens);
            BundleManifest manifest = new BundleManifest(BundleManifest.FORMAT, r.name(), "1.0.0",
                    "Imported by scimoe import from " + r.onnx().getFileName(),
                    new BundleManifest.BaseModel(r.onnx().getFileName().toString(), "scimoe import", null),
                    "model.onnx", "tokenizer.json", ModelBundle.sha256(staging.resolve("model.onnx")), r.precision(),
                    signature.dimensions(), pooling, r.normalize(), maxTokens, r.queryPrefix(), r.documentPrefix(),
                    signature.inputs(), signature.output(), Routing.NONE, null);
            // written and read back, so every field passes the same checks as any served bundle
            ManifestReader.parse(ManifestWriter.toJson(manifest), "--name/--max-tokens");
            ManifestWriter.write(manifest, staging.resolve(BundleManifest.FILE_NAME));
            int tokens = check(ModelBundle.open(staging));
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            return new Result(ModelBundle.open(target), tokens, assumed);
        } catch (IOException e) {
            throw new ScimoeException("cannot write the bundle under " + r.outRoot() + ": " + e.getMessage(), e);
        } finally {
            deleteTree(staging);
        }
    }

    private static int maxTokens(ImportRequest r, List<String> assumed) {
        if (r.maxTokens() != null) {
            if (r.maxTokens() < 2) {
                throw new ScimoeException("--max-tokens must be at least 2 (room for [CLS] and [SEP]), not " + r.maxTokens());
            }
            return r.maxTokens();
        }
        OptionalInt fromFile = TokenizerTruncation.maxLength(r.tokenizer());
        if (fromFile.isEmpty()) {
            throw new ScimoeException("--max-tokens is required: " + r.tokenizer().getFileName()
                    + " sets no truncation (use the length the model was trained at, e.g. 256 for MiniLM, 512 for BERT)");
        }
        assumed.add("max tokens: " + fromFile.getAsInt() + ", from the tokenizer file (--max-tokens to change; the MiniLM files "
                + "say 128 for a model trained at 256)");
        return fromFile.getAsInt();
    }

    /** Loads the bundle as serving does and embeds a short text and one of full length; returns the long one's tokens. */
    private static int check(ModelBundle bundle) {
        int maxTokens = bundle.manifest().maxTokens();
        try (OnnxEncoder encoder = OnnxEncoder.load(bundle, EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU))) {
            checkVector(encoder.embedOne(CHECK_TEXT, null, Role.DOCUMENT), bundle);
            Embedding full;
            try {
                full = encoder.embedOne("lens ".repeat(maxTokens), null, Role.DOCUMENT);
            } catch (ScimoeException e) {
                throw new BundleException("the graph fails on a text of " + maxTokens + " tokens (does it have that many positions? "
                        + "lower --max-tokens): " + e.getMessage(), e);
            }
            checkVector(full, bundle);
            return full.tokens();
        }
    }

    private static void checkVector(Embedding e, ModelBundle bundle) {
        double norm = 0;
        for (float v : e.vector()) {
            if (!Float.isFinite(v)) {
                throw new BundleException("the test embedding of '" + bundle.name() + "' has non-finite values");
            }
            norm += v * v;
        }
        if (norm == 0) {
            throw new BundleException("the test embedding of '" + bundle.name() + "' is all zeros");
        }
    }

    private static void requireFile(Path file, String flag) {
        if (file == null || !Files.isRegularFile(file)) {
            throw new ScimoeException(flag + ": no such file: " + file);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new ScimoeException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A CPU session on the raw graph, only to read its signature. */
    private static final class OnnxSessionHolder implements AutoCloseable {
        final SessionFactory.OpenSession open;

        OnnxSessionHolder(Path onnx) {
            this.open = new SessionFactory(1).open(onnx, DeviceRequest.CPU);
        }

        @Override
        public void close() {
            try {
                open.session().close();
            } catch (ai.onnxruntime.OrtException e) {
                // the session is gone either way
            }
        }
    }
}

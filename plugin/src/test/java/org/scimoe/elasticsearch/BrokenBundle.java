package org.scimoe.elasticsearch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A bundle whose manifest is valid (domain routing, two domains) but whose graph is not ONNX at all,
 * with a matching checksum: the catalog lists it, and loading fails inside ONNX Runtime. Used to
 * check that a model that cannot load fails its requests with the reason and the node stays up.
 */
final class BrokenBundle {
    static final String NAME = "broken-moe";

    private BrokenBundle() {}

    /** Writes the bundle under {@code root/broken-moe} (once per JVM) and returns {@code root}. */
    static synchronized Path write(Path root) {
        Path dir = root.resolve(NAME);
        try {
            Files.createDirectories(dir);
            byte[] graph = "this is not an ONNX graph".getBytes(StandardCharsets.UTF_8);
            Files.write(dir.resolve("model.onnx"), graph);
            Files.copy(ScimoeRestTestCase.bundlesDir().resolve("minilm-l6-v2").resolve("tokenizer.json"), dir.resolve("tokenizer.json"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            String manifest = """
                    {"format": "scimoe-bundle/1", "name": "%s", "version": "0.0.1",
                     "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"},
                     "modelSha256": "%s", "dimensions": 384, "pooling": "mean", "normalize": true, "maxTokens": 256,
                     "inputs": {"inputIds": "input_ids", "attentionMask": "attention_mask", "tokenTypeIds": "token_type_ids"},
                     "output": {"name": "last_hidden_state", "kind": "token_embeddings"},
                     "routing": {"mode": "domain", "input": "domain_id", "domains": {"aeronautics": 0, "medicine": 1}}}
                    """.formatted(NAME, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(graph)));
            Files.writeString(dir.resolve("scimoe-model.json"), manifest);
            return root;
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot write the broken test bundle under " + root, e);
        }
    }
}

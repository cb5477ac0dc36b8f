package org.scimoe.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The truncation a HuggingFace {@code tokenizer.json} declares. The engine truncates at the manifest's
 * maxTokens whatever the file says, but other readers of a bundle's tokenizer trust the file, and the
 * MiniLM files say 128 for a model trained at 256: an imported bundle's file says what its manifest says.
 */
public final class TokenizerTruncation {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerTruncation() {}

    /** The file's {@code truncation.max_length}, if it sets one. */
    public static OptionalInt maxLength(Path tokenizerJson) {
        JsonNode max = read(tokenizerJson).path("truncation").path("max_length");
        return max.canConvertToInt() ? OptionalInt.of(max.asInt()) : OptionalInt.empty();
    }

    /** Writes {@code source} to {@code target} with right-side truncation at {@code maxTokens}; everything else unchanged. */
    public static void write(Path source, Path target, int maxTokens) {
        JsonNode root = read(source);
        JsonNode existing = root.get("truncation");
        ObjectNode truncation = existing != null && existing.isObject() ? (ObjectNode) existing : JSON.createObjectNode();
        truncation.put("direction", truncation.path("direction").asText("Right"));
        truncation.put("max_length", maxTokens);
        truncation.put("strategy", truncation.path("strategy").asText("LongestFirst"));
        truncation.put("stride", truncation.path("stride").asInt(0));
        ((ObjectNode) root).set("truncation", truncation);
        try {
            JSON.writeValue(target.toFile(), root);
        } catch (IOException e) {
            throw new BundleException(target + ": cannot write the tokenizer: " + e.getMessage(), e);
        }
    }

    private static JsonNode read(Path file) {
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            if (root == null || !root.isObject() || !root.has("model")) {
                throw new BundleException(file + ": not a HuggingFace tokenizer.json (no 'model' object)");
            }
            return root;
        } catch (IOException e) {
            throw new BundleException(file + ": cannot read the tokenizer: " + e.getMessage(), e);
        }
    }
}

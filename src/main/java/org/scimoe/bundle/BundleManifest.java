package org.scimoe.bundle;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The manifest of a model bundle ({@value #FILE_NAME}): what the graph is, how to feed it and how to
 * turn its output into one vector. BUNDLE-FORMAT.md at the repository root documents every field.
 */
public record BundleManifest(
        String format,
        String name,
        String version,
        String description,
        BaseModel baseModel,
        String modelFile,
        String tokenizerFile,
        String modelSha256,
        String precision,
        int dimensions,
        Pooling pooling,
        boolean normalize,
        int maxTokens,
        String queryPrefix,
        String documentPrefix,
        Inputs inputs,
        Output output,
        Routing routing,
        JsonNode training) {

    public static final String FILE_NAME = "scimoe-model.json";
    public static final String FORMAT = "scimoe-bundle/1";

    /** Where the bundle's weights came from. */
    public record BaseModel(String name, String source, String license) {}

    /** Names of the graph's text inputs. {@code tokenTypeIds} is null when the graph has none. */
    public record Inputs(String inputIds, String attentionMask, String tokenTypeIds) {}

    /** The graph output that holds the embedding. */
    public record Output(String name, OutputKind kind) {}

    /** The prefix for a role: query and document texts may be marked differently (E5, BGE). */
    public String prefix(org.scimoe.embed.Role role) {
        return role == org.scimoe.embed.Role.QUERY ? queryPrefix : documentPrefix;
    }
}

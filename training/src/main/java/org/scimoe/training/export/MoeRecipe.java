package org.scimoe.training.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.scimoe.ScimoeException;
import org.scimoe.bundle.Routing.GatePooling;

/**
 * How to rebuild a trained bundle from its base encoder and a tensor archive (the committed,
 * compact form of a trained model): which base graph (by bundle name and SHA-256, so anonymous
 * initializer names are safe), which design, and the bundle's identity.
 *
 * <p>Tensor names in the archive: {@code encoder.<initializer>} overwrites a base weight;
 * {@code layer.L.expert.E.(w1|b1|w2|b2)} the domain experts; {@code router.(weight|bias)};
 * {@code sbmoe.gate.(weight|bias)} and {@code sbmoe.expert.E.(w1|b1|w2|b2)}.
 */
public record MoeRecipe(String name, String version, String description, String baseBundle, String baseSha256, Design design,
                        List<String> domains, String defaultDomain, List<Integer> layers, boolean router,
                        GatePooling gatePooling, int experts, boolean residual, String weightsFile, JsonNode training) {

    public enum Design { SHARED, DOMAIN_ROUTED, SB_MOE }

    public static final String FILE_NAME = "scimoe-recipe.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static MoeRecipe read(Path file) {
        JsonNode r;
        try {
            r = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ScimoeException(file + ": cannot read the recipe: " + e.getMessage(), e);
        }
        List<String> domains = new ArrayList<>();
        r.path("domains").forEach(d -> domains.add(d.asText()));
        List<Integer> layers = new ArrayList<>();
        r.path("layers").forEach(l -> layers.add(l.asInt()));
        JsonNode gate = r.path("gate");
        String design = required(r, "design", file);
        return new MoeRecipe(required(r, "name", file), required(r, "version", file), r.path("description").asText(null),
                required(r.path("base"), "bundle", file), required(r.path("base"), "modelSha256", file),
                Design.valueOf(design.toUpperCase(Locale.ROOT).replace('-', '_')), domains, r.path("defaultDomain").asText(null), layers,
                r.path("router").asBoolean(false), gate.isMissingNode() ? null : GatePooling.valueOf(gate.path("pooling").asText("all").toUpperCase(Locale.ROOT)),
                gate.path("experts").asInt(0), gate.path("residual").asBoolean(true), required(r, "weights", file), r.get("training"));
    }

    public void write(Path file) {
        ObjectNode r = JSON.createObjectNode().put("name", name).put("version", version);
        if (description != null) {
            r.put("description", description);
        }
        r.putObject("base").put("bundle", baseBundle).put("modelSha256", baseSha256);
        r.put("design", design.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        if (!domains.isEmpty()) {
            ArrayNode d = r.putArray("domains");
            domains.forEach(d::add);
        }
        if (defaultDomain != null) {
            r.put("defaultDomain", defaultDomain);
        }
        if (!layers.isEmpty()) {
            ArrayNode l = r.putArray("layers");
            layers.forEach(l::add);
        }
        r.put("router", router);
        if (design == Design.SB_MOE) {
            r.putObject("gate").put("pooling", gatePooling.name().toLowerCase(Locale.ROOT)).put("experts", experts).put("residual", residual);
        }
        r.put("weights", weightsFile);
        if (training != null) {
            r.set("training", training);
        }
        try {
            Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r) + "\n");
        } catch (IOException e) {
            throw new ScimoeException(file + ": cannot write the recipe: " + e.getMessage(), e);
        }
    }

    private static String required(JsonNode node, String field, Path file) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new ScimoeException(file + ": field '" + field + "' is missing");
        }
        return v.asText();
    }
}

package org.scimoe.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reads and checks a {@link BundleManifest}; every error names the file and the field. */
public final class ManifestReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;

    private ManifestReader(String source) {
        this.source = source;
    }

    public static BundleManifest read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new BundleException(file + ": no bundle manifest (expected " + BundleManifest.FILE_NAME + ")");
        } catch (IOException e) {
            throw new BundleException(file + ": cannot read the manifest: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    public static BundleManifest parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new BundleException(source + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BundleException(source + ": the manifest must be a JSON object");
        }
        return new ManifestReader(source).manifest(root);
    }

    private BundleManifest manifest(JsonNode root) {
        String format = text(root, "format", true);
        if (!BundleManifest.FORMAT.equals(format)) {
            throw error("format", "must be '" + BundleManifest.FORMAT + "', not '" + format + "'");
        }
        JsonNode base = root.path("baseModel");
        JsonNode files = object(root, "files");
        JsonNode prefixes = root.path("prefixes");
        JsonNode inputs = object(root, "inputs");
        JsonNode output = object(root, "output");
        String sha = text(root, "modelSha256", true);
        if (!sha.matches("[0-9a-fA-F]{64}")) {
            throw error("modelSha256", "must be 64 hex digits, not '" + sha + "'");
        }
        int maxTokens = positiveInt(root, "maxTokens");
        if (maxTokens < 2) {
            throw error("maxTokens", "must leave room for [CLS] and [SEP] (at least 2)");
        }
        return new BundleManifest(
                format,
                name(text(root, "name", true)),
                text(root, "version", true),
                text(root, "description", false),
                new BundleManifest.BaseModel(
                        text(base, "baseModel.name", false), text(base, "baseModel.source", false), text(base, "baseModel.license", false)),
                text(files, "files.model", true),
                text(files, "files.tokenizer", true),
                sha.toLowerCase(Locale.ROOT),
                orDefault(text(root, "precision", false), "fp32"),
                positiveInt(root, "dimensions"),
                Pooling.parse(text(root, "pooling", true)),
                bool(root, "normalize"),
                maxTokens,
                orDefault(text(prefixes, "prefixes.query", false), ""),
                orDefault(text(prefixes, "prefixes.document", false), ""),
                new BundleManifest.Inputs(
                        text(inputs, "inputs.inputIds", true),
                        text(inputs, "inputs.attentionMask", true),
                        text(inputs, "inputs.tokenTypeIds", false)),
                new BundleManifest.Output(text(output, "output.name", true), OutputKind.parse(text(output, "output.kind", true))),
                routing(object(root, "routing")),
                root.get("training"));
    }

    private Routing routing(JsonNode node) {
        String mode = text(node, "routing.mode", true).toLowerCase(Locale.ROOT);
        switch (mode) {
            case "none":
                return Routing.NONE;
            case "domain": {
                JsonNode domains = object(node, "domains");
                Map<String, Integer> ids = new LinkedHashMap<>();
                Iterator<Map.Entry<String, JsonNode>> it = domains.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                        throw error("routing.domains." + e.getKey(), "must be an expert id >= 0");
                    }
                    if (ids.containsValue(e.getValue().asInt())) {
                        throw error("routing.domains." + e.getKey(), "expert id " + e.getValue().asInt() + " is used twice");
                    }
                    ids.put(e.getKey(), e.getValue().asInt());
                }
                if (ids.isEmpty()) {
                    throw error("routing.domains", "must name at least one domain");
                }
                String fallback = text(node, "routing.defaultDomain", false);
                if (fallback != null && !ids.containsKey(fallback)) {
                    throw error("routing.defaultDomain", "'" + fallback + "' is not one of " + ids.keySet());
                }
                return new Routing(Routing.Mode.DOMAIN, text(node, "routing.input", true), ids, fallback, null, ids.size(), null,
                        text(node, "routing.routerOutput", false));
            }
            case "gate": {
                String pool = text(node, "routing.pooling", true).toUpperCase(Locale.ROOT).replace("-", "");
                Routing.GatePooling gatePooling;
                try {
                    gatePooling = Routing.GatePooling.valueOf(pool);
                } catch (IllegalArgumentException e) {
                    throw error("routing.pooling", "must be 'top1' or 'all'");
                }
                return new Routing(Routing.Mode.GATE, null, Map.of(), null, gatePooling,
                        positiveInt(node, "experts", "routing.experts"), text(node, "routing.gateOutput", false), null);
            }
            default:
                throw error("routing.mode", "must be 'none', 'domain' or 'gate', not '" + mode + "'");
        }
    }

    private static String name(String name) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new BundleException("bundle name '" + name + "' may only use letters, digits, '.', '_' and '-'");
        }
        return name;
    }

    private JsonNode object(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isObject()) {
            throw error(field, "is missing or not an object");
        }
        return node;
    }

    /** @param path the field's dotted path in the manifest; its last segment is looked up in {@code parent} */
    private String text(JsonNode parent, String path, boolean required) {
        String field = path.substring(path.lastIndexOf('.') + 1);
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw error(path, "is missing");
            }
            return null;
        }
        if (!node.isTextual()) {
            throw error(path, "must be a string");
        }
        return node.asText();
    }

    private int positiveInt(JsonNode parent, String field) {
        return positiveInt(parent, field, field);
    }

    private int positiveInt(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (node == null || !node.canConvertToInt() || node.asInt() <= 0) {
            throw error(path, "must be a positive integer");
        }
        return node.asInt();
    }

    private boolean bool(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isBoolean()) {
            throw error(field, "must be true or false");
        }
        return node.asBoolean();
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    private BundleException error(String field, String problem) {
        return new BundleException(source + ": field '" + field + "' " + problem);
    }
}

package org.scimoe.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a manifest in the format {@link ManifestReader} reads (BUNDLE-FORMAT.md), so that what
 * training exports and what serving loads cannot drift apart: the two are tested as a round trip.
 */
public final class ManifestWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ManifestWriter() {}

    public static void write(BundleManifest m, Path file) {
        try {
            Files.writeString(file, toJson(m) + "\n");
        } catch (IOException e) {
            throw new BundleException(file + ": cannot write the manifest: " + e.getMessage(), e);
        }
    }

    public static String toJson(BundleManifest m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", BundleManifest.FORMAT);
        root.put("name", m.name());
        root.put("version", m.version());
        if (m.description() != null) {
            root.put("description", m.description());
        }
        if (m.baseModel() != null && m.baseModel().name() != null) {
            ObjectNode base = root.putObject("baseModel");
            base.put("name", m.baseModel().name());
            putIfSet(base, "source", m.baseModel().source());
            putIfSet(base, "license", m.baseModel().license());
        }
        ObjectNode files = root.putObject("files");
        files.put("model", m.modelFile());
        files.put("tokenizer", m.tokenizerFile());
        root.put("modelSha256", m.modelSha256());
        root.put("precision", m.precision());
        root.put("dimensions", m.dimensions());
        root.put("pooling", m.pooling().name().toLowerCase(Locale.ROOT));
        root.put("normalize", m.normalize());
        root.put("maxTokens", m.maxTokens());
        ObjectNode prefixes = root.putObject("prefixes");
        prefixes.put("query", m.queryPrefix());
        prefixes.put("document", m.documentPrefix());
        ObjectNode inputs = root.putObject("inputs");
        inputs.put("inputIds", m.inputs().inputIds());
        inputs.put("attentionMask", m.inputs().attentionMask());
        putIfSet(inputs, "tokenTypeIds", m.inputs().tokenTypeIds());
        ObjectNode output = root.putObject("output");
        output.put("name", m.output().name());
        output.put("kind", m.output().kind().name().toLowerCase(Locale.ROOT));
        routing(root.putObject("routing"), m.routing());
        if (m.training() != null) {
            root.set("training", m.training());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new BundleException("cannot serialise the manifest of '" + m.name() + "': " + e.getMessage(), e);
        }
    }

    private static void routing(ObjectNode node, Routing r) {
        node.put("mode", r.mode().name().toLowerCase(Locale.ROOT));
        switch (r.mode()) {
            case NONE -> { }
            case DOMAIN -> {
                node.put("input", r.input());
                ObjectNode domains = node.putObject("domains");
                for (String name : r.domainNames()) {
                    domains.put(name, r.domains().get(name));
                }
                putIfSet(node, "defaultDomain", r.defaultDomain());
                putIfSet(node, "routerOutput", r.routerOutput());
            }
            case GATE -> {
                node.put("pooling", r.gatePooling().name().toLowerCase(Locale.ROOT));
                node.put("experts", r.experts());
                putIfSet(node, "gateOutput", r.gateOutput());
            }
        }
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}

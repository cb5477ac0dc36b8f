package org.scimoe.elasticsearch.ingest;

import static org.elasticsearch.ingest.ConfigurationUtils.newConfigurationException;
import static org.elasticsearch.ingest.ConfigurationUtils.readBooleanProperty;
import static org.elasticsearch.ingest.ConfigurationUtils.readOptionalStringProperty;
import static org.elasticsearch.ingest.ConfigurationUtils.readStringProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.elasticsearch.cluster.metadata.ProjectId;
import org.elasticsearch.ingest.Processor;
import org.scimoe.ScimoeException;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.bundle.Routing;
import org.scimoe.elasticsearch.model.EmbeddingService;

/**
 * Reads a {@code scimoe_embed} configuration. Runs on cluster-state threads when a pipeline is put
 * or a node starts, so it only reads manifests (the model name and a fixed domain are checked here)
 * and never loads a model.
 */
public final class EmbedProcessorFactory implements Processor.Factory {
    private final EmbeddingService service;
    private final PassageEmbedder passages;

    public EmbedProcessorFactory(EmbeddingService service) {
        this.service = service;
        this.passages = new PassageEmbedder(service);
    }

    @Override
    public Processor create(Map<String, Processor.Factory> factories, String tag, String description, Map<String, Object> config,
                            ProjectId projectId) {
        List<String> fields = readFields(tag, config);
        String target = readStringProperty(EmbedProcessor.TYPE, tag, config, "target_field", "embedding");
        String model = readOptionalStringProperty(EmbedProcessor.TYPE, tag, config, "model");
        String domain = readOptionalStringProperty(EmbedProcessor.TYPE, tag, config, "domain");
        String domainField = readOptionalStringProperty(EmbedProcessor.TYPE, tag, config, "domain_field");
        boolean ignoreMissing = readBooleanProperty(EmbedProcessor.TYPE, tag, config, "ignore_missing", false);
        String routingField = readOptionalStringProperty(EmbedProcessor.TYPE, tag, config, "routing_field");
        if (domain != null && domainField != null) {
            throw newConfigurationException(EmbedProcessor.TYPE, tag, "domain", "give either [domain] or [domain_field], not both");
        }
        BundleManifest manifest;
        try {
            manifest = service.registry().manifest(model);
        } catch (ScimoeException e) {
            throw newConfigurationException(EmbedProcessor.TYPE, tag, "model", e.getMessage());
        }
        Routing routing = manifest.routing();
        if (domain != null && routing.mode() == Routing.Mode.DOMAIN && routing.canonicalDomain(domain).isEmpty()) {
            throw newConfigurationException(EmbedProcessor.TYPE, tag, "domain",
                    "unknown domain '" + domain + "' for model '" + manifest.name() + "'; known domains: " + routing.domainNames());
        }
        LongTextOptions longText = LongTextOptions.read(tag, config, manifest);
        return new EmbedProcessor(tag, description, service,
                new EmbedProcessorConfig(fields, target, manifest.name(), domain, domainField, ignoreMissing, routingField), longText, passages);
    }

    private static List<String> readFields(String tag, Map<String, Object> config) {
        Object value = config.remove("field");
        if (value instanceof String s && s.isBlank() == false) {
            return List.of(s);
        }
        if (value instanceof List<?> list && list.isEmpty() == false) {
            List<String> fields = new ArrayList<>();
            for (Object item : list) {
                if (item instanceof String s && s.isBlank() == false) {
                    fields.add(s);
                } else {
                    throw newConfigurationException(EmbedProcessor.TYPE, tag, "field", "must be a field name or a list of field names");
                }
            }
            return List.copyOf(fields);
        }
        if (value == null) {
            throw newConfigurationException(EmbedProcessor.TYPE, tag, "field", "required property is missing");
        }
        throw newConfigurationException(EmbedProcessor.TYPE, tag, "field", "must be a field name or a list of field names");
    }
}

package org.scimoe.elasticsearch.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.ingest.AbstractProcessor;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.rest.RestStatus;
import org.scimoe.elasticsearch.model.EmbeddingService;
import org.scimoe.embed.DocumentText;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.InvalidInputException;

/**
 * {@code scimoe_embed}: embeds a document's text field(s) with a model bundle and stores the vector.
 * Asynchronous: the document waits on the plugin's inference pool, batched with the documents that
 * arrive meanwhile. A document that cannot be embedded fails alone, with a message naming the
 * field and the problem.
 */
public final class EmbedProcessor extends AbstractProcessor {
    public static final String TYPE = "scimoe_embed";
    private final EmbeddingService service;
    private final EmbedProcessorConfig config;
    private final LongTextOptions longText;
    private final PassageEmbedder passages;

    EmbedProcessor(String tag, String description, EmbeddingService service, EmbedProcessorConfig config) {
        this(tag, description, service, config, LongTextOptions.NONE, null);
    }

    EmbedProcessor(String tag, String description, EmbeddingService service, EmbedProcessorConfig config, LongTextOptions longText,
                   PassageEmbedder passages) {
        super(tag, description);
        this.service = service;
        this.config = config;
        this.longText = longText;
        this.passages = passages;
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    public boolean isAsync() {
        return true;
    }

    @Override
    public void execute(IngestDocument document, BiConsumer<IngestDocument, Exception> handler) {
        String text;
        String domain;
        try {
            text = readText(document);
            if (text == null) {
                handler.accept(document, null); // ignore_missing and no text field present
                return;
            }
            domain = readDomain(document);
        } catch (Exception e) {
            handler.accept(null, e);
            return;
        }
        if (longText.chunking() != null) {
            passages.embed(config.model(), text, domain, longText.chunking(), ActionListener.wrap(result -> {
                PassageFields.store(document, config.targetField(), longText.truncationField(), result);
                handler.accept(document, null);
            }, e -> handler.accept(null, describe(e))));
            return;
        }
        service.embedDocument(config.model(), new EmbedInput(text, domain), ActionListener.wrap(embedding -> {
            store(document, embedding);
            PassageFields.storeTruncation(document, longText.truncationField(), embedding);
            handler.accept(document, null);
        }, e -> handler.accept(null, describe(e))));
    }

    /** The text to embed: the field, or the present fields of the list joined; null when missing and ignore_missing. */
    private String readText(IngestDocument document) {
        List<String> parts = new ArrayList<>();
        for (String field : config.fields()) {
            Object value = document.hasField(field) ? document.getFieldValue(field, Object.class) : null;
            if (value == null) {
                continue;
            }
            if (value instanceof String s) {
                if (s.isBlank() == false) {
                    parts.add(s);
                }
                continue;
            }
            throw badDocument("field [" + field + "] is not a string but " + describeType(value));
        }
        if (parts.isEmpty()) {
            boolean anyPresent = config.fields().stream().anyMatch(f -> document.hasField(f) && document.getFieldValue(f, Object.class) != null);
            if (anyPresent) {
                throw badDocument("field " + fieldNames() + " has no text to embed (empty)");
            }
            if (config.ignoreMissing()) {
                return null;
            }
            throw badDocument("field " + fieldNames() + " is missing");
        }
        return DocumentText.join(parts); // the engine's definition, so the node and `scimoe embed` agree
    }

    private String readDomain(IngestDocument document) {
        if (config.domainField() == null) {
            return config.domain();
        }
        Object value = document.hasField(config.domainField()) ? document.getFieldValue(config.domainField(), Object.class) : null;
        if (value == null || value instanceof String) {
            return (String) value; // a missing domain: the model's default domain, or the engine says it needs one
        }
        throw badDocument("domain_field [" + config.domainField() + "] is not a string but " + describeType(value));
    }

    private void store(IngestDocument document, Embedding embedding) {
        List<Float> vector = new ArrayList<>(embedding.vector().length);
        for (float v : embedding.vector()) {
            vector.add(v);
        }
        document.setFieldValue(config.targetField(), vector);
        if (config.routingField() != null) {
            Map<String, Object> routing = new LinkedHashMap<>();
            if (embedding.domain() != null) {
                routing.put("domain", embedding.domain());
            }
            routing.put("expert", embedding.expert());
            if (embedding.gateWeights() != null) {
                List<Float> weights = new ArrayList<>();
                for (float w : embedding.gateWeights()) {
                    weights.add(w);
                }
                routing.put("gate_weights", weights);
            }
            document.setFieldValue(config.routingField(), routing);
        }
    }

    /** The engine names its own input fields (text, domain); say which document field they came from. */
    private Exception describe(Exception e) {
        Throwable cause = e.getCause() instanceof InvalidInputException ? e.getCause() : e;
        if (cause instanceof InvalidInputException invalid) {
            String where = invalid.field().equals("domain")
                    ? (config.domainField() != null ? "domain_field [" + config.domainField() + "]" : "domain")
                    : "field " + fieldNames();
            return badDocument(where + ": " + invalid.problem());
        }
        return e;
    }

    private String fieldNames() {
        return config.fields().size() == 1 ? "[" + config.fields().get(0) + "]" : config.fields().toString();
    }

    private ElasticsearchStatusException badDocument(String problem) {
        return new ElasticsearchStatusException(TYPE + ": " + problem, RestStatus.BAD_REQUEST);
    }

    private static String describeType(Object value) {
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof Number) {
            return "a number (" + value + ")";
        }
        if (value instanceof Boolean) {
            return "a boolean (" + value + ")";
        }
        return "a " + value.getClass().getSimpleName();
    }

    EmbedProcessorConfig config() {
        return config;
    }
}

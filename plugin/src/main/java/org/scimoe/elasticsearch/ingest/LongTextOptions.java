package org.scimoe.elasticsearch.ingest;

import static org.elasticsearch.ingest.ConfigurationUtils.readOptionalStringProperty;

import java.util.Map;
import org.scimoe.bundle.BundleManifest;

/**
 * What {@code scimoe_embed} does with texts longer than the model's window: embed them as passages
 * ({@code chunking}, null: no), and where to record per document whether the text was cut and how many
 * tokens were embedded ({@code truncation_field}, null: nowhere).
 */
record LongTextOptions(ChunkingOptions chunking, String truncationField) {
    static final LongTextOptions NONE = new LongTextOptions(null, null);

    static LongTextOptions read(String tag, Map<String, Object> config, BundleManifest manifest) {
        ChunkingOptions chunking = ChunkingOptions.read(tag, config, manifest);
        String truncationField = readOptionalStringProperty(EmbedProcessor.TYPE, tag, config, "truncation_field");
        return new LongTextOptions(chunking, truncationField);
    }
}

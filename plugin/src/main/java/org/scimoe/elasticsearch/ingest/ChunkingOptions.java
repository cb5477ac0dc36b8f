package org.scimoe.elasticsearch.ingest;

import static org.elasticsearch.ingest.ConfigurationUtils.newConfigurationException;

import java.util.Map;
import org.scimoe.bundle.BundleManifest;

/**
 * {@code chunking: {max_tokens, overlap_tokens, max_passages}} of {@code scimoe_embed}: long texts are
 * embedded as passages of at most {@code max_tokens} tokens (the model's window by default), each
 * sharing {@code overlap_tokens} tokens with the one before (default 0); at most {@code max_passages}
 * per document (default {@value #DEFAULT_MAX_PASSAGES}; the rest of the text is left out and
 * recorded as truncated), so that one huge document cannot occupy the node.
 */
record ChunkingOptions(int maxTokens, int overlapTokens, int maxPassages) {
    static final int DEFAULT_MAX_PASSAGES = 1000;

    /** Reads and removes {@code chunking} from the processor's configuration; null when absent. */
    static ChunkingOptions read(String tag, Map<String, Object> config, BundleManifest manifest) {
        Object value = config.remove("chunking");
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw newConfigurationException(EmbedProcessor.TYPE, tag, "chunking", "must be an object {max_tokens, overlap_tokens}");
        }
        int window = manifest.maxTokens();
        int maxTokens = intOption(tag, map, "max_tokens", window);
        int overlap = intOption(tag, map, "overlap_tokens", 0);
        int maxPassages = intOption(tag, map, "max_passages", DEFAULT_MAX_PASSAGES);
        for (Object key : map.keySet()) {
            if (!key.equals("max_tokens") && !key.equals("overlap_tokens") && !key.equals("max_passages")) {
                throw newConfigurationException(EmbedProcessor.TYPE, tag, "chunking",
                        "unknown option [" + key + "]; known: max_tokens, overlap_tokens, max_passages");
            }
        }
        if (maxTokens < 8 || maxTokens > window) {
            throw newConfigurationException(EmbedProcessor.TYPE, tag, "chunking.max_tokens",
                    "must be between 8 and the model's window (" + window + " tokens for '" + manifest.name() + "'), not " + maxTokens);
        }
        if (overlap < 0 || overlap > maxTokens / 2) {
            throw newConfigurationException(EmbedProcessor.TYPE, tag, "chunking.overlap_tokens",
                    "must be between 0 and half of max_tokens (" + maxTokens / 2 + "), not " + overlap);
        }
        if (maxPassages < 1) {
            throw newConfigurationException(EmbedProcessor.TYPE, tag, "chunking.max_passages", "must be at least 1, not " + maxPassages);
        }
        return new ChunkingOptions(maxTokens, overlap, maxPassages);
    }

    private static int intOption(String tag, Map<?, ?> map, String name, int defaultValue) {
        Object v = map.get(name);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Integer i) {
            return i;
        }
        throw newConfigurationException(EmbedProcessor.TYPE, tag, "chunking." + name, "must be an integer, not [" + v + "]");
    }
}

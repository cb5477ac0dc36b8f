package org.scimoe.elasticsearch.model;

import org.elasticsearch.ElasticsearchException;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.elasticsearch.rest.RestStatus;
import org.scimoe.bundle.BundleException;
import org.scimoe.embed.InvalidInputException;

/** Turns engine failures into Elasticsearch exceptions with the right HTTP status and the engine's message. */
public final class EmbedErrors {
    private EmbedErrors() {}

    public static Exception toElasticsearch(Throwable t) {
        if (t instanceof ElasticsearchException || t instanceof EsRejectedExecutionException) {
            return (Exception) t; // already says its status (a full queue: 429)
        }
        if (t instanceof InvalidInputException || t instanceof BundleException || t instanceof IllegalArgumentException) {
            // The caller's input or the model name is wrong: 400, the message says which field and why.
            return new ElasticsearchStatusException(t.getMessage(), RestStatus.BAD_REQUEST, t);
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return new ElasticsearchStatusException(message, RestStatus.INTERNAL_SERVER_ERROR, t);
    }
}

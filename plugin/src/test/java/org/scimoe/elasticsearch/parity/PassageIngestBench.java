package org.scimoe.elasticsearch.parity;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.scimoe.eval.BeirCollection;
import org.scimoe.lucene.AbstractDoc;

/**
 * Ingest through scimoe_embed with and without chunking (plugin/bench/hybrid-bench runs it against a
 * running node, not Surefire): the collection bulk-indexed into a fresh index per round, documents/s
 * and passages/s. Prints {@code INGEST <collection> <mode> docs=<n> passages=<n> seconds=<s> docs/s=<x> passages/s=<y>}.
 * Usage: PassageIngestBench URL COLLECTION_DIR BULK_SIZE MAX_TOKENS OVERLAP
 */
public final class PassageIngestBench {
    private static final Pattern SUM = Pattern.compile("\"value\"\\s*:\\s*([0-9.]+)");
    private final HttpClient http = HttpClient.newHttpClient();
    private final String url;

    private PassageIngestBench(String url) {
        this.url = url;
    }

    public static void main(String[] args) throws Exception {
        PassageIngestBench bench = new PassageIngestBench(args[0]);
        BeirCollection collection = BeirCollection.load(Path.of(args[1]));
        int bulkSize = Integer.parseInt(args[2]);
        int maxTokens = Integer.parseInt(args[3]);
        int overlap = Integer.parseInt(args[4]);
        bench.run(collection, bulkSize, "whole", "{\"field\": \"text\", \"target_field\": \"embedding\", \"truncation_field\": \"truncation\"}",
                "\"embedding\": {\"type\": \"dense_vector\", \"dims\": 384, \"similarity\": \"cosine\"}");
        bench.run(collection, bulkSize, "chunked-" + maxTokens + "-" + overlap,
                "{\"field\": \"text\", \"target_field\": \"passages\", \"truncation_field\": \"truncation\", \"chunking\": {\"max_tokens\": "
                        + maxTokens + ", \"overlap_tokens\": " + overlap + "}}",
                "\"passages\": {\"type\": \"nested\", \"properties\": {\"vector\": {\"type\": \"dense_vector\", \"dims\": 384, "
                        + "\"similarity\": \"cosine\"}}}");
    }

    private void run(BeirCollection collection, int bulkSize, String mode, String processor, String vectorMapping) throws Exception {
        call("DELETE", "/ingest-bench", "", true);
        call("PUT", "/ingest-bench", "{\"settings\": {\"number_of_shards\": 1, \"number_of_replicas\": 0}, \"mappings\": {\"properties\": {"
                + vectorMapping + ", \"truncation\": {\"properties\": {\"tokens\": {\"type\": \"long\"}, \"passages\": {\"type\": \"long\"}}}}}}",
                false);
        call("PUT", "/_ingest/pipeline/ingest-bench", "{\"processors\": [{\"scimoe_embed\": " + processor + "}]}", false);
        long t0 = System.nanoTime();
        StringBuilder bulk = new StringBuilder();
        int inBulk = 0;
        for (AbstractDoc d : collection.corpus()) {
            bulk.append("{\"index\":{\"_id\":").append(HybridParity.quote(d.id())).append("}}\n{\"text\":")
                    .append(HybridParity.quote(d.embeddingText())).append("}\n");
            if (++inBulk == bulkSize) {
                send(bulk);
                bulk.setLength(0);
                inBulk = 0;
            }
        }
        if (inBulk > 0) {
            send(bulk);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        call("POST", "/ingest-bench/_refresh", "", false);
        String agg = call("POST", "/ingest-bench/_search?size=0&filter_path=aggregations",
                "{\"aggs\": {\"p\": {\"sum\": {\"field\": \"truncation.passages\"}}, \"t\": {\"sum\": {\"field\": \"truncation.tokens\"}}}}", false);
        Matcher m = SUM.matcher(agg);
        double passages = m.find() ? Double.parseDouble(m.group(1)) : 0;
        double tokens = m.find() ? Double.parseDouble(m.group(1)) : 0;
        int docs = collection.corpus().size();
        if (passages == 0) {
            passages = docs; // without chunking: one vector per document
        }
        System.out.printf(Locale.ROOT, "INGEST %s %s docs=%d passages=%.0f tokens=%.0f seconds=%.1f docs/s=%.1f passages/s=%.1f tokens/s=%.0f%n",
                collection.name(), mode, docs, passages, tokens, seconds, docs / seconds, passages / seconds, tokens / seconds);
    }

    private void send(StringBuilder bulk) throws Exception {
        String r = call("POST", "/ingest-bench/_bulk?pipeline=ingest-bench&filter_path=errors", bulk.toString(), false);
        if (!r.contains("\"errors\":false")) {
            throw new IllegalStateException("bulk failed: " + r);
        }
    }

    private String call(String method, String path, String body, boolean mayFail) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", path.contains("_bulk") ? "application/x-ndjson" : "application/json")
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300 && !mayFail) {
            throw new IllegalStateException(method + " " + path + ": HTTP " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}

package org.scimoe.elasticsearch.parity;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.scimoe.bundle.BundleCatalog;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.eval.BeirCollection;
import org.scimoe.eval.ModeScores;
import org.scimoe.eval.RetrievalEvaluator;
import org.scimoe.eval.RetrievalMetrics;
import org.scimoe.lucene.AbstractDoc;
import org.scimoe.lucene.SearchMode;
import org.scimoe.runtime.DeviceRequest;

/**
 * The real-server step of the hybrid retriever (run by plugin/bin/real-node-test against a running
 * node, not by Surefire): indexes a judged BEIR collection through the scimoe_embed pipeline, ranks
 * every judged query with the scimoe_hybrid short form, and compares nDCG@10 with the engine's own
 * hybrid mode (RetrievalEvaluator) in this JVM. Both sides get the same text to embed (the engine's
 * title + text) and the same BM25 analysis ({@code scimoe_english} on title + text via copy_to), so
 * what is compared is the retrieval and the fusion. Both fuse with {@code ResultFusion}, lexical list
 * first, and order equal RRF scores by rank (issue 11: ties ordered by Lucene doc on the node and by id
 * in the engine made a gap of 0.011 on the MEDLINE slice), so the rankings are the same hit for hit.
 * Prints one line {@code PARITY <name> es=<x> engine=<y> diff=<d>}; exits 1 when |d| > the tolerance.
 * Usage: HybridParity URL BUNDLES_DIR COLLECTION_DIR [TOLERANCE]
 */
public final class HybridParity {
    static final String MODEL = "minilm-l6-v2";
    static final int DEPTH = 100;
    private static final Pattern ID = Pattern.compile("\"_id\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final HttpClient http = HttpClient.newHttpClient();
    private final String url;

    private HybridParity(String url) {
        this.url = url;
    }

    public static void main(String[] args) throws Exception {
        // Elasticsearch's jars are on this tool's class path (test scope), so Lucene's SPI finds their vector
        // formats; their static initialisers log through Elasticsearch's logging, which a plain JVM sets up first.
        org.elasticsearch.common.logging.LogConfigurator.configureESLogging();
        String url = args[0];
        BeirCollection collection = BeirCollection.load(Path.of(args[2]));
        double tolerance = args.length > 3 ? Double.parseDouble(args[3]) : 0.005;
        HybridParity es = new HybridParity(url);
        es.index(collection);
        double viaEs = es.ndcg(collection);
        ModelBundle bundle = BundleCatalog.scan(List.of(Path.of(args[1]))).get(MODEL);
        Map<SearchMode, ModeScores> scores;
        try (OnnxEncoder encoder = OnnxEncoder.load(bundle, EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU))) {
            scores = new RetrievalEvaluator(encoder, null).evaluate(collection, EnumSet.allOf(SearchMode.class), p -> {});
        }
        double engine = scores.get(SearchMode.HYBRID).ndcgAt10();
        double diff = viaEs - engine;
        System.out.printf(Locale.ROOT, "PARITY %s es=%.4f engine=%.4f diff=%.4f (engine knn=%.4f bm25=%.4f; %s queries)%n",
                collection.name(), viaEs, engine, diff, scores.get(SearchMode.KNN).ndcgAt10(), scores.get(SearchMode.BM25).ndcgAt10(),
                scores.get(SearchMode.HYBRID).queries());
        System.exit(Math.abs(diff) <= tolerance ? 0 : 1);
    }

    private void index(BeirCollection collection) throws IOException, InterruptedException {
        // Float HNSW with Lucene's defaults, as the engine (Elasticsearch 9 would pick quantised bbq_hnsw for 384 dims).
        try {
            call("DELETE", "/parity", "");
        } catch (IllegalStateException notThere) {
            // a fresh node: nothing to delete
        }
        call("PUT", "/parity", """
                {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
                 "mappings": {"properties": {
                   "title": {"type": "text", "copy_to": "body"}, "text": {"type": "text", "copy_to": "body"},
                   "passage": {"type": "keyword", "index": false, "doc_values": false},
                   "body": {"type": "text", "analyzer": "scimoe_english"},
                   "embedding": {"type": "dense_vector", "dims": 384, "similarity": "cosine",
                     "index_options": {"type": "hnsw", "m": 16, "ef_construction": 100}}}}}""");
        call("PUT", "/_ingest/pipeline/parity", """
                {"processors": [{"scimoe_embed": {"field": "passage", "target_field": "embedding", "model": "%s"}}]}""".formatted(MODEL));
        // bulks of 200: one request at a time stays well inside the node's inference queue (scimoe.inference.queue_size)
        List<AbstractDoc> docs = collection.corpus();
        for (int from = 0; from < docs.size(); from += 200) {
            StringBuilder bulk = new StringBuilder();
            for (AbstractDoc d : docs.subList(from, Math.min(docs.size(), from + 200))) {
                bulk.append("{\"index\":{\"_id\":").append(quote(d.id())).append("}}\n")
                        .append("{\"title\":").append(quote(d.title() == null ? "" : d.title()))
                        .append(",\"text\":").append(quote(d.text() == null ? "" : d.text()))
                        .append(",\"passage\":").append(quote(d.embeddingText())).append("}\n");
            }
            boolean last = from + 200 >= docs.size();
            String result = call("POST", "/parity/_bulk?pipeline=parity&filter_path=errors,items.*.error" + (last ? "&refresh=true" : ""),
                    bulk.toString());
            if (!result.contains("\"errors\":false")) {
                throw new IllegalStateException("bulk indexing failed: " + result.substring(0, Math.min(2000, result.length())));
            }
        }
    }

    private double ndcg(BeirCollection collection) throws IOException, InterruptedException {
        double sum = 0;
        int n = 0;
        for (Map.Entry<String, Map<String, Integer>> e : collection.qrels().entrySet()) {
            String qid = e.getKey();
            String text = collection.queries().get(qid);
            if (text == null || e.getValue().values().stream().noneMatch(g -> g > 0)) {
                continue;
            }
            String body = call("POST", "/parity/_search?filter_path=hits.hits._id", """
                    {"size": %s, "_source": false, "retriever": {"scimoe_hybrid": {"query": %s, "fields": ["body"],
                      "vector_field": "embedding", "model": "%s", "rank_window_size": %s}}}""".formatted(DEPTH, quote(text), MODEL, DEPTH));
            List<String> ranking = new ArrayList<>();
            Matcher m = ID.matcher(body);
            while (m.find()) {
                if (!m.group(1).equals(qid)) { // as the engine's evaluation does (BEIR)
                    ranking.add(m.group(1));
                }
            }
            sum += RetrievalMetrics.ndcg(ranking, e.getValue(), 10);
            n++;
        }
        return sum / Math.max(1, n);
    }

    private String call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type",
                path.contains("_bulk") ? "application/x-ndjson" : "application/json");
        String auth = System.getenv("REAL_NODE_AUTH"); // user:password when the node runs with security on
        if (auth != null && auth.isEmpty() == false) {
            request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(auth.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        request.method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + ": HTTP " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.scimoe.bundle.BundleCatalog;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.Role;
import org.scimoe.eval.BeirCollection;
import org.scimoe.eval.RetrievalEvaluator;
import org.scimoe.eval.RetrievalMetrics;
import org.scimoe.lucene.AbstractDoc;
import org.scimoe.lucene.SearchMode;
import org.scimoe.runtime.DeviceRequest;

/**
 * The plugin in a running node against the engine in this JVM (run by plugin/bench/es-bench, which
 * starts the node; the method is in BENCHMARKS.md, section "Elasticsearch plugin"):
 * <ol>
 *   <li>ingest: the collection bulk-indexed through the scimoe_embed pipeline (docs/s, rounds into a
 *       fresh index each), against OnnxEncoder embedding the same documents in chunks of the plugin's
 *       batch size, and Elasticsearch indexing the same vectors without the pipeline;</li>
 *   <li>queries: per query text, the engine's embedding in this JVM, a plain kNN search with that
 *       vector, a kNN search with the scimoe query vector builder (node's query cache off), and
 *       _scimoe/_embed; p50/p99 of each;</li>
 *   <li>quality: nDCG@10 of the collection's queries through the node, against the engine's own
 *       embedded-Lucene evaluation (RetrievalEvaluator, kNN) in this JVM.</li>
 * </ol>
 * Usage: java -cp ... PluginBench.java all|loaded URL BUNDLES_DIR COLLECTION_DIR ROUNDS BULK_SIZE QUERY_DIR...
 * ("loaded": only text kNN latency while a bulk load runs, {@link LoadedQueryBench}; "load" with URL "before,after":
 * {@link ConcurrentQueryBench} and {@link OverloadBench} on two nodes).
 */
public class PluginBench {
    static final String MODEL = "minilm-l6-v2";
    static final int BATCH = EncoderOptions.DEFAULTS.maxBatchSize();
    static final int DEPTH = 100;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        args = Arrays.copyOfRange(args, 1, args.length);
        Es es = new Es(args[0].split(",")[0]);
        Path bundles = Path.of(args[1]);
        BeirCollection collection = BeirCollection.load(Path.of(args[2]));
        int rounds = Integer.parseInt(args[3]);
        int bulkSize = Integer.parseInt(args[4]);
        List<String> queryTexts = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            queryTexts.addAll(Queries.read(Path.of(args[i])));
        }
        ModelBundle bundle = BundleCatalog.scan(List.of(bundles)).get(MODEL);
        System.out.printf(Locale.ROOT, "collection %s: %d documents; %d query texts; %d rounds; bulk %d; engine batch %d%n",
                collection.name(), collection.corpus().size(), queryTexts.size(), rounds, bulkSize, BATCH);
        if (mode.equals("loaded")) {
            new LoadedQueryBench(es, collection.corpus(), bulkSize).run(queryTexts);
            return;
        }
        if (mode.equals("load")) {
            // Two nodes, URL "before,after": concurrent text kNN clients interleaved, then overload one node after the other.
            String[] urls = args[0].split(",");
            Es before = new Es(urls[0]), after = new Es(urls[1]);
            new ConcurrentQueryBench(List.of(before, after), List.of("before", "after"), collection.corpus(), queryTexts)
                    .run(rounds, java.util.Arrays.stream(System.getProperty("bench.clients", "1,8,32").split(",")).mapToInt(Integer::parseInt).toArray(),
                            Double.parseDouble(System.getProperty("bench.seconds", "10")));
            if (!Boolean.parseBoolean(System.getProperty("bench.overload", "true"))) {
                return;
            }
            OverloadBench overload = new OverloadBench(collection.corpus(), 32, bulkSize,
                    Double.parseDouble(System.getProperty("bench.send.seconds", "60")),
                    Double.parseDouble(System.getProperty("bench.timeout.seconds", "60")));
            // Bounded first: the unbounded node keeps embedding its backlog long after its clients are gone.
            overload.run(after, "with the bound");
            overload.run(before, "without the bound");
            return;
        }
        try (OnnxEncoder encoder = OnnxEncoder.load(bundle, EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU))) {
            new IngestBench(es, encoder, collection.corpus(), bulkSize).run(rounds);
            new QueryBench(es, encoder, "bench").run(queryTexts);
            new QualityBench(es, encoder, collection).run("bench");
        }
    }
}

/** A tiny JSON-over-HTTP client for the node. */
final class Es {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private final String url;

    Es(String url) {
        this.url = url;
    }

    String url() {
        return url;
    }

    JsonNode call(String method, String path, String body, String contentType) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofMinutes(10))
                .header("Content-Type", contentType)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " -> " + response.statusCode() + ": "
                    + response.body().substring(0, Math.min(800, response.body().length())));
        }
        return JSON.readTree(response.body());
    }

    JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        return call(method, path, body, "application/json");
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the index has no merge running (so the next timed phase does not share the cores with one). */
    void awaitNoMerges(String index) throws IOException, InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (call("GET", "/" + index + "/_stats/merge", null).at("/_all/total/merges/current").asInt() == 0) {
                return;
            }
            Thread.sleep(100);
        }
    }

    /** An index for the benchmark: one shard, HNSW on float vectors (m 16, ef_construction 100: Lucene's defaults, as the engine). */
    void createIndex(String name) throws IOException, InterruptedException {
        call("PUT", "/" + name, """
                {"settings": {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "-1"},
                 "mappings": {"properties": {"title": {"type": "text"}, "text": {"type": "text"},
                   "embedding": {"type": "dense_vector", "dims": 384, "similarity": "cosine",
                                 "index_options": {"type": "hnsw", "m": 16, "ef_construction": 100}}}}}""");
    }

    void deleteIndex(String name) throws IOException, InterruptedException {
        try {
            call("DELETE", "/" + name, null);
        } catch (IllegalStateException notThere) {
            // fine
        }
    }
}

/** Percentiles (nearest rank) and medians of measured times. */
final class Stats {
    private Stats() {}

    static double percentile(List<Double> values, double p) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double median(List<Double> values) {
        return percentile(values, 50);
    }
}

/** Query texts from a BEIR queries.jsonl. */
final class Queries {
    private Queries() {}

    static List<String> read(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("queries.jsonl"))) {
            if (line.isBlank() == false) {
                out.add(Es.JSON.readTree(line).get("text").asText());
            }
        }
        return out;
    }
}

/** Bulk ingest through the pipeline vs the engine in process vs Elasticsearch indexing precomputed vectors. */
final class IngestBench {
    private final Es es;
    private final OnnxEncoder encoder;
    private final List<AbstractDoc> docs;
    private final int bulkSize;

    IngestBench(Es es, OnnxEncoder encoder, List<AbstractDoc> docs, int bulkSize) {
        this.es = es;
        this.encoder = encoder;
        this.docs = docs;
        this.bulkSize = bulkSize;
    }

    void run(int rounds) throws Exception {
        es.call("PUT", "/_ingest/pipeline/bench", """
                {"processors": [{"scimoe_embed": {"field": ["title", "text"], "target_field": "embedding"}}]}""");
        // Warm-up: both sides load the model and see a few full batches before anything is timed.
        es.createIndex("warmup");
        bulk("warmup", docs.subList(0, 4 * BATCH()), true);
        es.deleteIndex("warmup");
        embedInChunks(docs.subList(0, 4 * BATCH()));

        List<Double> pipeline = new ArrayList<>();
        List<Double> engineChunks = new ArrayList<>();
        List<Double> engineWhole = new ArrayList<>();
        List<Double> plainIndexing = new ArrayList<>();
        JsonNode before = modelStats();
        for (int round = 0; round < rounds; round++) {
            // Interleaved, slice by slice (one bulk request's documents), alternating which side goes first, so
            // that both sides see the same machine: a bulk through the pipeline, then the engine on the same documents.
            es.deleteIndex("bench");
            es.createIndex("bench");
            double pipelineSeconds = 0, engineSeconds = 0;
            List<float[]> vectors = new ArrayList<>();
            for (int from = 0, slice = 0; from < docs.size(); from += bulkSize, slice++) {
                List<AbstractDoc> part = docs.subList(from, Math.min(docs.size(), from + bulkSize));
                for (int side = 0; side < 2; side++) {
                    long t0 = System.nanoTime();
                    if ((side + slice + round) % 2 == 0) {
                        bulk("bench", part, true);
                        pipelineSeconds += seconds(t0);
                    } else {
                        List<float[]> v = embedInChunks(part);
                        engineSeconds += seconds(t0);
                        if (vectors.size() < from + part.size()) {
                            vectors.addAll(v);
                        }
                    }
                }
            }
            long t0 = System.nanoTime();
            es.call("POST", "/bench/_refresh", null);
            pipelineSeconds += seconds(t0);
            pipeline.add(docs.size() / pipelineSeconds);
            engineChunks.add(docs.size() / engineSeconds);
            es.awaitNoMerges("bench");

            t0 = System.nanoTime();
            encoder.embed(docs.stream().map(d -> EmbedInput.of(d.embeddingText())).toList(), Role.DOCUMENT);
            engineWhole.add(docs.size() / seconds(t0));

            es.deleteIndex("plain");
            es.createIndex("plain");
            t0 = System.nanoTime();
            for (int from = 0; from < docs.size(); from += bulkSize) {
                int to = Math.min(docs.size(), from + bulkSize);
                bulkVectors("plain", docs.subList(from, to), vectors.subList(from, to));
            }
            es.call("POST", "/plain/_refresh", null);
            plainIndexing.add(docs.size() / seconds(t0));
            es.awaitNoMerges("plain");
            System.out.printf(Locale.ROOT, "round %d: pipeline %.1f docs/s, engine (chunks of %d) %.1f, ratio %.3f | engine (one call) %.1f, ES without pipeline %.1f%n",
                    round + 1, pipeline.get(round), BATCH(), engineChunks.get(round), pipeline.get(round) / engineChunks.get(round),
                    engineWhole.get(round), plainIndexing.get(round));
        }
        es.deleteIndex("plain");
        JsonNode after = modelStats();
        long texts = after.get("texts").asLong() - before.get("texts").asLong();
        long batches = after.get("batches").asLong() - before.get("batches").asLong();
        double pipe = Stats.median(pipeline);
        double eng = Stats.median(engineChunks);
        System.out.printf(Locale.ROOT, "INGEST medians: pipeline %.1f docs/s | engine chunks of %d %.1f docs/s | engine one call %.1f docs/s | "
                        + "ES indexing precomputed vectors %.1f docs/s | pipeline/engine %.3f | pipeline/engine one call %.3f | "
                        + "node inference batches: %d texts in %d batches (mean %.1f)%n",
                pipe, BATCH(), eng, Stats.median(engineWhole), Stats.median(plainIndexing), pipe / eng, pipe / Stats.median(engineWhole),
                texts, batches, texts / (double) Math.max(1, batches));
        System.out.println("INGEST rounds: pipeline " + pipeline + " engine " + engineChunks + " engine-one-call " + engineWhole
                + " plain " + plainIndexing);
    }

    private static int BATCH() {
        return PluginBench.BATCH;
    }

    private JsonNode modelStats() throws Exception {
        for (JsonNode m : es.call("GET", "/_scimoe/models", null).get("models")) {
            if (m.get("name").asText().equals(PluginBench.MODEL)) {
                return m.get("stats");
            }
        }
        throw new IllegalStateException("no stats for " + PluginBench.MODEL);
    }

    /** The engine as the plugin uses it: chunks of the plugin's largest batch, in arrival (file) order. */
    private List<float[]> embedInChunks(List<AbstractDoc> part) {
        List<float[]> out = new ArrayList<>();
        for (int from = 0; from < part.size(); from += BATCH()) {
            encoder.embed(part.subList(from, Math.min(part.size(), from + BATCH())).stream().map(d -> EmbedInput.of(d.embeddingText())).toList(),
                    Role.DOCUMENT).forEach(e -> out.add(e.vector()));
        }
        return out;
    }

    private void bulk(String index, List<AbstractDoc> part, boolean pipeline) throws Exception {
        StringBuilder body = new StringBuilder();
        for (AbstractDoc d : part) {
            body.append(Es.json(Map.of("index", Map.of("_id", d.id())))).append('\n')
                    .append(Es.json(Map.of("title", d.title() == null ? "" : d.title(), "text", d.text()))).append('\n');
        }
        JsonNode r = es.call("POST", "/" + index + "/_bulk" + (pipeline ? "?pipeline=bench" : ""), body.toString(), "application/x-ndjson");
        if (r.get("errors").asBoolean()) {
            throw new IllegalStateException("bulk errors: " + r.toString().substring(0, 800));
        }
    }

    private void bulkVectors(String index, List<AbstractDoc> part, List<float[]> vectors) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < part.size(); i++) {
            AbstractDoc d = part.get(i);
            body.append(Es.json(Map.of("index", Map.of("_id", d.id())))).append('\n')
                    .append(Es.json(Map.of("title", d.title() == null ? "" : d.title(), "text", d.text(), "embedding", vectors.get(i)))).append('\n');
        }
        JsonNode r = es.call("POST", "/" + index + "/_bulk", body.toString(), "application/x-ndjson");
        if (r.get("errors").asBoolean()) {
            throw new IllegalStateException("bulk errors: " + r.toString().substring(0, 800));
        }
    }

    static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}

/** Text kNN through the query vector builder, split into embedding and search, against a plain kNN with the vector. */
final class QueryBench {
    static final int WARMUP = 20;
    private final Es es;
    private final OnnxEncoder encoder;
    private final String index;

    QueryBench(Es es, OnnxEncoder encoder, String index) {
        this.es = es;
        this.encoder = encoder;
        this.index = index;
    }

    void run(List<String> texts) throws Exception {
        List<Double> engine = new ArrayList<>(), plain = new ArrayList<>(), text = new ArrayList<>(), embedRest = new ArrayList<>();
        List<Double> plainTook = new ArrayList<>(), textTook = new ArrayList<>(), overhead = new ArrayList<>();
        int sameTop = 0;
        for (int i = -WARMUP; i < texts.size(); i++) {
            String q = texts.get(Math.floorMod(i, texts.size()));
            long t0 = System.nanoTime();
            float[] vector = encoder.embed(List.of(EmbedInput.of(q)), Role.QUERY).get(0).vector();
            double e = ms(t0);
            double p = 0, t = 0, w = 0;
            JsonNode plainHits = null, textHits = null;
            for (int step = 0; step < 3; step++) { // rotate the order of the three node calls
                switch ((step + Math.floorMod(i, 3)) % 3) {
                    case 0 -> {
                        t0 = System.nanoTime();
                        plainHits = es.call("POST", "/" + index + "/_search", knn(Map.of("query_vector", vector)));
                        p = ms(t0);
                    }
                    case 1 -> {
                        t0 = System.nanoTime();
                        textHits = es.call("POST", "/" + index + "/_search", knn(Map.of("query_vector_builder",
                                Map.of("scimoe", Map.of("model", PluginBench.MODEL, "text", q)))));
                        t = ms(t0);
                    }
                    default -> {
                        t0 = System.nanoTime();
                        es.call("POST", "/_scimoe/_embed", Es.json(Map.of("texts", List.of(q), "role", "query", "model", PluginBench.MODEL)));
                        w = ms(t0);
                    }
                }
            }
            if (i < 0) {
                continue;
            }
            engine.add(e);
            plain.add(p);
            text.add(t);
            embedRest.add(w);
            plainTook.add(plainHits.get("took").asDouble());
            textTook.add(textHits.get("took").asDouble());
            overhead.add(t - p - e);
            if (plainHits.at("/hits/hits/0/_id").asText().equals(textHits.at("/hits/hits/0/_id").asText())) {
                sameTop++;
            }
        }
        double e50 = Stats.median(engine), p50 = Stats.median(plain), t50 = Stats.median(text), o50 = Stats.median(overhead);
        System.out.printf(Locale.ROOT, "QUERY %d texts (after %d warm-up), ms p50 / p99: engine embedding in process %.1f / %.1f | "
                        + "plain kNN with the vector %.1f / %.1f (took %.0f / %.0f) | text kNN via scimoe builder %.1f / %.1f (took %.0f / %.0f) | "
                        + "_scimoe/_embed %.1f / %.1f | overhead = text - plain - embedding: p50 %.1f ms, p99 %.1f ms | "
                        + "p50 text / (plain + embedding) = %.3f | overhead p50 / embedding p50 = %.3f | same first hit %d/%d%n",
                text.size(), WARMUP, e50, Stats.percentile(engine, 99), p50, Stats.percentile(plain, 99), Stats.median(plainTook),
                Stats.percentile(plainTook, 99), t50, Stats.percentile(text, 99), Stats.median(textTook), Stats.percentile(textTook, 99),
                Stats.median(embedRest), Stats.percentile(embedRest, 99), o50, Stats.percentile(overhead, 99), t50 / (p50 + e50), o50 / e50,
                sameTop, text.size());
    }

    private static String knn(Map<String, Object> vectorSource) {
        Map<String, Object> knn = new java.util.LinkedHashMap<>(Map.of("field", "embedding", "k", 10, "num_candidates", 100));
        knn.putAll(vectorSource);
        return Es.json(Map.of("knn", knn, "size", 10, "_source", false));
    }

    static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }
}

/** nDCG@10 of the collection's queries through the node (text kNN) against the engine's own evaluation. */
final class QualityBench {
    private final Es es;
    private final OnnxEncoder encoder;
    private final BeirCollection collection;

    QualityBench(Es es, OnnxEncoder encoder, BeirCollection collection) {
        this.es = es;
        this.encoder = encoder;
        this.collection = collection;
    }

    void run(String index) throws Exception {
        double ndcg = 0;
        int n = 0;
        for (var entry : collection.qrels().entrySet()) {
            String qid = entry.getKey();
            String text = collection.queries().get(qid);
            if (text == null || entry.getValue().values().stream().noneMatch(g -> g > 0)) {
                continue;
            }
            JsonNode r = es.call("POST", "/" + index + "/_search", Es.json(Map.of("size", PluginBench.DEPTH, "_source", false,
                    "knn", Map.of("field", "embedding", "k", PluginBench.DEPTH, "num_candidates", PluginBench.DEPTH,
                            "query_vector_builder", Map.of("scimoe", Map.of("model", PluginBench.MODEL, "text", text))))));
            List<String> ranking = new ArrayList<>();
            for (JsonNode hit : r.at("/hits/hits")) {
                if (hit.get("_id").asText().equals(qid) == false) {
                    ranking.add(hit.get("_id").asText());
                }
            }
            ndcg += RetrievalMetrics.ndcg(ranking, entry.getValue(), 10);
            n++;
        }
        double viaEs = ndcg / Math.max(1, n);
        long t0 = System.nanoTime();
        double engine = new RetrievalEvaluator(encoder, null).evaluate(collection, EnumSet.of(SearchMode.KNN), p -> {})
                .get(SearchMode.KNN).ndcgAt10();
        System.out.printf(Locale.ROOT, "QUALITY %s nDCG@10 over %d queries: through Elasticsearch %.4f | engine embedded Lucene %.4f | "
                + "difference %.4f (engine eval %.0f s)%n", collection.name(), n, viaEs, engine, viaEs - engine, IngestBench.seconds(t0));
    }
}

/**
 * Text kNN latency while a bulk load runs through the pipeline (one client bulk-indexing the corpus in a
 * loop, another searching one query text after the other), and on the idle node for reference. Run once
 * with the node's query pool (scimoe.query.threads 1) and once without (0: queries share scimoe_inference).
 */
final class LoadedQueryBench {
    private final Es es;
    private final List<AbstractDoc> docs;
    private final int bulkSize;

    LoadedQueryBench(Es es, List<AbstractDoc> docs, int bulkSize) {
        this.es = es;
        this.docs = docs;
        this.bulkSize = bulkSize;
    }

    void run(List<String> texts) throws Exception {
        es.call("PUT", "/_ingest/pipeline/bench", """
                {"processors": [{"scimoe_embed": {"field": ["title", "text"], "target_field": "embedding"}}]}""");
        es.createIndex("bench");
        es.createIndex("load");
        bulk("bench", docs.subList(0, 200)); // something to search
        es.call("POST", "/bench/_refresh", null);
        List<Double> idle = search(texts.subList(0, 100), 10);

        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong indexed = new java.util.concurrent.atomic.AtomicLong();
        Thread loader = new Thread(() -> {
            try {
                while (stop.get() == false) {
                    for (int from = 0; from < docs.size() && stop.get() == false; from += bulkSize) {
                        List<AbstractDoc> part = docs.subList(from, Math.min(docs.size(), from + bulkSize));
                        bulk("load", part);
                        indexed.addAndGet(part.size());
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "bulk-load");
        loader.start();
        Thread.sleep(3000); // the load is running
        long t0 = System.nanoTime();
        List<Double> loaded = search(texts.subList(100, texts.size()), 0);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long during = indexed.get();
        stop.set(true);
        loader.join();
        System.out.printf(Locale.ROOT, "LOADED text kNN ms p50 / p90 / p99: idle node %.1f / %.1f / %.1f (%d queries) | during a bulk load %.1f / %.1f / %.1f "
                        + "(%d queries in %.0f s; the load indexed about %.1f docs/s meanwhile)%n",
                Stats.median(idle), Stats.percentile(idle, 90), Stats.percentile(idle, 99), idle.size(), Stats.median(loaded),
                Stats.percentile(loaded, 90), Stats.percentile(loaded, 99), loaded.size(), seconds, during / seconds);
    }

    private List<Double> search(List<String> texts, int warmup) throws Exception {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            long t0 = System.nanoTime();
            es.call("POST", "/bench/_search", Es.json(Map.of("size", 10, "_source", false, "knn", Map.of("field", "embedding", "k", 10,
                    "num_candidates", 100, "query_vector_builder", Map.of("scimoe", Map.of("model", PluginBench.MODEL, "text", texts.get(i)))))));
            if (i >= warmup) {
                out.add(QueryBench.ms(t0));
            }
        }
        return out;
    }

    private void bulk(String index, List<AbstractDoc> part) throws Exception {
        StringBuilder body = new StringBuilder();
        for (AbstractDoc d : part) {
            body.append(Es.json(Map.of("index", Map.of()))).append('\n')
                    .append(Es.json(Map.of("title", d.title() == null ? "" : d.title(), "text", d.text()))).append('\n');
        }
        JsonNode r = es.call("POST", "/" + index + "/_bulk?pipeline=bench", body.toString(), "application/x-ndjson");
        if (r.get("errors").asBoolean()) {
            throw new IllegalStateException("bulk errors: " + r.toString().substring(0, 800));
        }
    }
}

/**
 * Concurrent text kNN clients (1, 8, 32) on two nodes, interleaved round by round (alternating which node
 * goes first) so both see the same machine: queries/s and p50/p99 latency per node and client count. Every
 * query text is new (the collection's queries, then numbered variants of them), so no cache answers.
 */
final class ConcurrentQueryBench {
    private final List<Es> nodes;
    private final List<String> labels;
    private final List<AbstractDoc> docs;
    private final List<String> texts;
    private final java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();

    ConcurrentQueryBench(List<Es> nodes, List<String> labels, List<AbstractDoc> docs, List<String> texts) {
        this.nodes = nodes;
        this.labels = labels;
        this.docs = docs;
        this.texts = texts;
    }

    /** The k-th query text of the run: never the same twice. */
    private String text(long k) {
        String base = texts.get((int) (k % texts.size()));
        long variant = k / texts.size();
        return variant == 0 ? base : base + " (" + variant + ")";
    }

    record Round(double queriesPerSecond, List<Double> latencies) {}

    void run(int rounds, int[] clientCounts, double seconds) throws Exception {
        for (Es es : nodes) {
            es.call("PUT", "/_ingest/pipeline/bench", """
                    {"processors": [{"scimoe_embed": {"field": ["title", "text"], "target_field": "embedding"}}]}""");
            es.deleteIndex("qbench");
            es.createIndex("qbench");
            for (int from = 0; from < 200; from += 50) {
                StringBuilder body = new StringBuilder();
                for (AbstractDoc d : docs.subList(from, from + 50)) {
                    body.append(Es.json(Map.of("index", Map.of("_id", d.id())))).append('\n')
                            .append(Es.json(Map.of("title", d.title() == null ? "" : d.title(), "text", d.text()))).append('\n');
                }
                es.call("POST", "/qbench/_bulk?pipeline=bench", body.toString(), "application/x-ndjson");
            }
            es.call("POST", "/qbench/_refresh", null);
            measure(es, 8, 3); // warm-up: model loaded, JIT, connections
        }
        System.out.printf(Locale.ROOT, "CONCURRENCY %d rounds of %.0f s per node and client count, interleaved%n", rounds, seconds);
        Map<String, List<Round>> results = new java.util.LinkedHashMap<>();
        for (int clients : clientCounts) {
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < nodes.size(); i++) {
                    int n = (i + r) % nodes.size(); // alternate which node goes first
                    Round round = measure(nodes.get(n), clients, seconds);
                    results.computeIfAbsent(labels.get(n) + " " + clients, k -> new ArrayList<>()).add(round);
                    System.out.printf(Locale.ROOT, "  %s, %d clients, round %d: %.1f queries/s, p50 %.1f ms, p99 %.1f ms%n", labels.get(n),
                            clients, r + 1, round.queriesPerSecond(), Stats.median(round.latencies()), Stats.percentile(round.latencies(), 99));
                }
            }
        }
        for (String label : labels) {
            double one = Stats.median(results.get(label + " " + clientCounts[0]).stream().map(Round::queriesPerSecond).toList());
            for (int clients : clientCounts) {
                List<Round> rs = results.get(label + " " + clients);
                List<Double> all = rs.stream().flatMap(x -> x.latencies().stream()).toList();
                double qps = Stats.median(rs.stream().map(Round::queriesPerSecond).toList());
                System.out.printf(Locale.ROOT, "CONCURRENCY %s: %d clients: %.1f queries/s (median of rounds; %.2fx 1 client) | p50 %.1f ms | p99 %.1f ms | %d queries%n",
                        label, clients, qps, qps / one, Stats.median(all), Stats.percentile(all, 99), all.size());
            }
        }
    }

    /** {@code clients} threads search one new text after the other for {@code seconds}; queries/s over the whole window. */
    private Round measure(Es es, int clients, double seconds) throws Exception {
        List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        String q = text(next.getAndIncrement());
                        long t0 = System.nanoTime();
                        es.call("POST", "/qbench/_search", Es.json(Map.of("size", 10, "_source", false, "knn", Map.of("field", "embedding",
                                "k", 10, "num_candidates", 100, "query_vector_builder", Map.of("scimoe", Map.of("text", q))))));
                        latencies.add(QueryBench.ms(t0));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Round(latencies.size() / elapsed, new ArrayList<>(latencies));
    }
}

/**
 * Overload: {@code clients} clients send bulks of {@code bulkSize} documents through the pipeline for
 * {@code sendSeconds}, each waiting at most {@code timeoutSeconds} for an answer (then it gives up on that
 * request, as a client with a timeout does). A client whose documents were refused with 429 retries just
 * those after a back-off (0.5 s, doubling, at most 8 s), as Elasticsearch's bulk helpers do. Then: how long
 * the node kept embedding after the last client was gone, and documents acknowledged (201) vs indexed.
 */
final class OverloadBench {
    private final List<AbstractDoc> docs;
    private final int clients;
    private final int bulkSize;
    private final double sendSeconds;
    private final double timeoutSeconds;

    OverloadBench(List<AbstractDoc> docs, int clients, int bulkSize, double sendSeconds, double timeoutSeconds) {
        this.docs = docs;
        this.clients = clients;
        this.bulkSize = bulkSize;
        this.sendSeconds = sendSeconds;
        this.timeoutSeconds = timeoutSeconds;
    }

    void run(Es es, String label) throws Exception {
        es.call("PUT", "/_ingest/pipeline/overload", """
                {"processors": [{"scimoe_embed": {"field": ["title", "text"], "target_field": "embedding"}}]}""");
        es.deleteIndex("overload");
        es.createIndex("overload");
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong(), timedOut = new java.util.concurrent.atomic.AtomicLong(),
                rejectedDocs = new java.util.concurrent.atomic.AtomicLong(), requestsWith429 = new java.util.concurrent.atomic.AtomicLong(),
                otherErrors = new java.util.concurrent.atomic.AtomicLong();
        java.util.Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicReference<String> firstRejection = new java.util.concurrent.atomic.AtomicReference<>();
        long start = System.nanoTime();
        long sendEnd = start + (long) (sendSeconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                int bulkNo = 0;
                while (System.nanoTime() < sendEnd) {
                    // One bulk: its documents (new ids), retried until all are acknowledged or the send window ends.
                    Map<String, AbstractDoc> pending = new java.util.LinkedHashMap<>();
                    for (int i = 0; i < bulkSize; i++) {
                        pending.put(client + "-" + bulkNo + "-" + i, docs.get((client * 7919 + bulkNo * bulkSize + i) % docs.size()));
                    }
                    bulkNo++;
                    long backoffMs = 500;
                    while (pending.isEmpty() == false && System.nanoTime() < sendEnd) {
                        StringBuilder body = new StringBuilder();
                        pending.forEach((id, d) -> body.append(Es.json(Map.of("index", Map.of("_id", id)))).append('\n')
                                .append(Es.json(Map.of("title", d.title() == null ? "" : d.title(), "text", d.text()))).append('\n'));
                        requests.incrementAndGet();
                        long t0 = System.nanoTime();
                        JsonNode r;
                        try {
                            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(es.url() + "/overload/_bulk?pipeline=overload"))
                                    .timeout(Duration.ofMillis((long) (timeoutSeconds * 1000))).header("Content-Type", "application/x-ndjson")
                                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
                            latencies.add(QueryBench.ms(t0));
                            if (response.statusCode() == 429) {
                                requestsWith429.incrementAndGet();
                                sleep(backoffMs);
                                backoffMs = Math.min(8000, backoffMs * 2);
                                continue;
                            }
                            r = Es.JSON.readTree(response.body());
                        } catch (java.net.http.HttpTimeoutException e) {
                            timedOut.incrementAndGet(); // the client gives up on this request; its documents' fate is unknown to it
                            pending.clear();
                            continue;
                        } catch (Exception e) {
                            otherErrors.incrementAndGet();
                            pending.clear();
                            continue;
                        }
                        boolean any429 = false;
                        for (JsonNode item : r.get("items")) {
                            JsonNode index = item.get("index");
                            int status = index.get("status").asInt();
                            String id = index.get("_id").asText();
                            if (status == 201 || status == 200) {
                                acknowledged.add(id);
                                pending.remove(id);
                            } else if (status == 429) {
                                any429 = true;
                                rejectedDocs.incrementAndGet();
                                firstRejection.compareAndSet(null, index.at("/error/reason").asText());
                            } else {
                                otherErrors.incrementAndGet();
                                pending.remove(id);
                            }
                        }
                        if (any429) {
                            requestsWith429.incrementAndGet();
                            sleep(backoffMs);
                            backoffMs = Math.min(8000, backoffMs * 2);
                        }
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double clientsGone = (System.nanoTime() - start) / 1e9;
        // The node may still be embedding documents whose requests the clients gave up on: while documents wait, a batch
        // runs on scimoe_inference (a text counter can stand still for seconds during one long batch; the pool cannot).
        long drainCap = System.nanoTime() + (long) (Double.parseDouble(System.getProperty("bench.drain.seconds", "120")) * 1e9);
        long idleSince = 0;
        while (System.nanoTime() < drainCap) {
            if (inferenceBusy(es)) {
                idleSince = 0;
            } else if (idleSince == 0) {
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince > 1e9) {
                break; // idle in every poll for a second
            }
            Thread.sleep(200);
        }
        boolean stillBusy = idleSince == 0 || System.nanoTime() >= drainCap;
        double busyAfter = Math.max(0, ((stillBusy ? System.nanoTime() : idleSince) - start) / 1e9 - clientsGone);
        es.call("POST", "/overload/_refresh", null);
        long indexed = es.call("GET", "/overload/_count", null).get("count").asLong();
        long missing = 0;
        List<String> ids = new ArrayList<>(acknowledged);
        for (int from = 0; from < ids.size(); from += 1000) {
            JsonNode found = es.call("POST", "/overload/_mget?_source=false", Es.json(Map.of("ids", ids.subList(from, Math.min(ids.size(), from + 1000)))));
            for (JsonNode d : found.get("docs")) {
                if (d.get("found").asBoolean() == false) {
                    missing++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "OVERLOAD %s: %d clients x bulks of %d for %.0f s (client timeout %.0f s): %d requests, %d timed out at the client, "
                        + "%d with 429s (%d documents refused, retried after back-off), %d other errors | latency of the answered requests p50 %.1f s, p99 %.1f s | "
                        + "documents acknowledged %d, indexed %d, acknowledged but missing %d | clients done after %.0f s, node kept embedding %.0f s more%s%n",
                label, clients, bulkSize, sendSeconds, timeoutSeconds, requests.get(), timedOut.get(), requestsWith429.get(), rejectedDocs.get(),
                otherErrors.get(), latencies.isEmpty() ? 0 : Stats.median(latencies) / 1000, latencies.isEmpty() ? 0 : Stats.percentile(latencies, 99) / 1000,
                acknowledged.size(), indexed, missing, clientsGone, busyAfter, stillBusy ? " and was still embedding when the bench stopped waiting" : "");
        if (firstRejection.get() != null) {
            System.out.println("OVERLOAD " + label + ": a refused document's reason: " + firstRejection.get());
        }
        es.deleteIndex("overload");
    }

    private static boolean inferenceBusy(Es es) throws Exception {
        JsonNode nodes = es.call("GET", "/_nodes/stats/thread_pool", null).get("nodes");
        JsonNode pool = nodes.elements().next().at("/thread_pool/scimoe_inference");
        return pool.get("active").asInt() > 0 || pool.get("queue").asInt() > 0;
    }

    private static long embeddedTexts(Es es) throws Exception {
        long texts = 0;
        for (JsonNode m : es.call("GET", "/_scimoe/models", null).get("models")) {
            if (m.has("stats") && m.get("stats").has("texts")) {
                texts += m.get("stats").get("texts").asLong();
            }
        }
        return texts;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

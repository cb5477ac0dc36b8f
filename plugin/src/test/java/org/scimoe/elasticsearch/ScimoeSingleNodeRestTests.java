package org.scimoe.elasticsearch;

import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.test.ESIntegTestCase.ClusterScope;
import org.elasticsearch.test.ESIntegTestCase.Scope;
import org.elasticsearch.test.rest.ObjectPath;

/** One node: ingest with the processor, kNN / hybrid search with the query vector builder, the REST endpoints. */
@ClusterScope(scope = Scope.SUITE, numDataNodes = 1, numClientNodes = 0, supportsDedicatedMasters = false)
public class ScimoeSingleNodeRestTests extends ScimoeRestTestCase {

    static final String MAPPING = """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {
               "id": {"type": "keyword"}, "domain": {"type": "keyword"},
               "title": {"type": "text"}, "text": {"type": "text"},
               "embedding": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
               "routing": {"type": "object", "enabled": false}}}}""";

    static final String PIPELINE = """
            {"processors": [{"scimoe_embed": {"field": ["title", "text"], "target_field": "embedding",
               "model": "minilm-l6-v2", "domain_field": "domain", "routing_field": "routing"}}]}""";

    /** The good demo abstracts plus four bad documents, in one bulk request; each bad one fails alone. */
    public void testBulkIndexKnnAndHybridSearch() throws IOException {
        call("PUT", "/abstracts", MAPPING);
        call("PUT", "/_ingest/pipeline/scimoe", PIPELINE);
        List<Map<String, Object>> docs = demoAbstracts(5);
        Map<String, Map<String, Object>> bad = new LinkedHashMap<>();
        bad.put("bad-missing", Map.of("domain", "medicine"));
        bad.put("bad-number", Map.of("text", 42, "domain", "medicine"));
        bad.put("bad-empty", Map.of("title", "", "text", "   ", "domain", "medicine"));
        bad.put("bad-domain", Map.of("text", "A perfectly fine sentence.", "domain", Map.of("name", "medicine")));
        StringBuilder bulk = new StringBuilder();
        for (Map<String, Object> doc : docs) {
            bulk.append("{\"index\":{\"_id\":\"").append(doc.get("id")).append("\"}}\n").append(toJson(doc)).append('\n');
        }
        for (Map.Entry<String, Map<String, Object>> e : bad.entrySet()) {
            bulk.append("{\"index\":{\"_id\":\"").append(e.getKey()).append("\"}}\n").append(toJson(e.getValue())).append('\n');
        }
        long[] before = textsAndBatches("minilm-l6-v2");
        ObjectPath result = json("POST", "/abstracts/_bulk?pipeline=scimoe&refresh=true", bulk.toString());
        List<Object> items = result.evaluate("items");
        assertThat(items.size(), equalTo(docs.size() + bad.size()));
        Map<String, String> errors = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String id = result.evaluate("items." + i + ".index._id");
            int status = result.evaluate("items." + i + ".index.status");
            if (bad.containsKey(id)) {
                assertThat(id + " must fail", status, equalTo(400));
                errors.put(id, result.evaluate("items." + i + ".index.error.reason"));
            } else {
                assertThat(id + " must be indexed", status, equalTo(201));
            }
        }
        assertThat(errors.get("bad-missing"), containsString("field [title, text] is missing"));
        assertThat(errors.get("bad-number"), containsString("field [text] is not a string"));
        assertThat(errors.get("bad-empty"), containsString("field [title, text] has no text to embed"));
        assertThat(errors.get("bad-domain"), containsString("domain_field [domain] is not a string"));
        assertThat(json("GET", "/abstracts/_count", null).evaluate("count"), equalTo(docs.size()));

        // The documents of the bulk request were embedded in batches, not one by one
        // (the suite's other tests share the node, so compare with the counters before the bulk).
        long[] afterBulk = textsAndBatches("minilm-l6-v2");
        assertThat(afterBulk[0] - before[0], equalTo((long) docs.size()));
        assertThat(afterBulk[1] - before[1], lessThan((long) docs.size()));

        // kNN with the query text, restricted to one domain.
        ObjectPath knn = json("POST", "/abstracts/_search", """
                {"knn": {"field": "embedding", "k": 3, "num_candidates": 20,
                   "query_vector_builder": {"scimoe": {"model": "minilm-l6-v2", "text": "wing aerodynamics in a propeller slipstream"}},
                   "filter": {"term": {"domain": "aeronautics"}}},
                 "_source": ["id", "domain"]}""");
        assertThat(knn.evaluate("hits.hits.0._id"), equalTo("cranfield-1"));
        List<Object> hits = knn.evaluate("hits.hits");
        for (int i = 0; i < hits.size(); i++) {
            assertThat(knn.evaluate("hits.hits." + i + "._source.domain"), equalTo("aeronautics"));
        }

        // Without a filter, a medicine question finds the medicine abstract (default model: none named).
        ObjectPath lamb = json("POST", "/abstracts/_search", """
                {"knn": {"field": "embedding", "k": 3, "num_candidates": 20,
                   "query_vector_builder": {"scimoe": {"text": "lung surfactant in the windpipe fluid of unborn lambs"}}}}""");
        assertThat(lamb.evaluate("hits.hits.0._id"), equalTo("medline-3"));

        // Hybrid: BM25 and kNN in one request.
        ObjectPath hybrid = json("POST", "/abstracts/_search", """
                {"query": {"match": {"text": "Dewey decimal classification history"}},
                 "knn": {"field": "embedding", "k": 3, "num_candidates": 20,
                   "query_vector_builder": {"scimoe": {"text": "history of the Dewey Decimal Classification editions"}}}}""");
        assertThat(hybrid.evaluate("hits.hits.0._id"), equalTo("cisi-1"));

        // The repeated query texts above hit the query cache the second time.
        json("POST", "/abstracts/_search", """
                {"knn": {"field": "embedding", "k": 1, "num_candidates": 10,
                   "query_vector_builder": {"scimoe": {"text": "history of the Dewey Decimal Classification editions"}}}}""");
        ObjectPath after = json("GET", "/_scimoe/models", null);
        assertThat(((Number) after.evaluate("query_cache.hits")).intValue(), greaterThan(0));
        assertThat(((Number) after.evaluate("query_cache.misses")).intValue(), greaterThan(0));
    }

    public void testEmbedEndpoint() throws IOException {
        ObjectPath byDefault = json("POST", "/_scimoe/_embed", """
                {"texts": ["boundary layer transition on a flat plate"], "role": "query"}""");
        assertThat(byDefault.evaluate("model"), equalTo(org.scimoe.bundle.BundleCatalog.DEFAULT_BUNDLE));
        assertThat(byDefault.evaluate("dimensions"), equalTo(384));
        ObjectPath r = json("POST", "/_scimoe/_embed", """
                {"texts": ["boundary layer transition on a flat plate", "retrieval of library documents"], "role": "query",
                 "model": "minilm-l6-v2"}""");
        assertThat(r.evaluate("model"), equalTo("minilm-l6-v2"));
        assertThat(r.evaluate("dimensions"), equalTo(384));
        List<Object> vector = r.evaluate("embeddings.0.vector");
        assertThat(vector.size(), equalTo(384));
        double norm = 0;
        for (Object v : vector) {
            norm += Math.pow(((Number) v).doubleValue(), 2);
        }
        assertEquals(1.0, Math.sqrt(norm), 1e-3); // MiniLM bundles normalise
        assertThat(((Number) r.evaluate("embeddings.1.tokens")).intValue(), greaterThan(3));
        assertThat(r.evaluate("embeddings.1.truncated"), equalTo(false));
        assertThat(r.evaluate("embeddings.1.expert"), equalTo(-1));

        ObjectPath models = json("GET", "/_scimoe/models", null);
        Map<String, Object> minilm = model(models, "minilm-l6-v2");
        assertThat(minilm.get("dimensions"), equalTo(384));
        assertThat(minilm.get("state"), equalTo("loaded"));
        assertThat((String) minilm.get("device"), containsString("cpu"));
        @SuppressWarnings("unchecked")
        Map<String, Object> routing = (Map<String, Object>) minilm.get("routing");
        assertThat(routing.get("mode"), equalTo("none"));
        // The int8 bundle is listed, checked at start or still being checked, but not loaded: nothing is loaded before it is used.
        Map<String, Object> int8 = model(models, "minilm-l6-v2-q");
        assertThat(int8.get("state"), anyOf(equalTo("validating"), equalTo("ready")));
        assertNull(int8.get("stats"));
    }

    /** A 1 MB abstract is cut to the model's max tokens, indexed, and reported as truncated. */
    public void testHugeAbstractIsTruncated() throws IOException {
        StringBuilder text = new StringBuilder(1 << 20);
        while (text.length() < (1 << 20)) {
            text.append("The transonic flow over a swept wing shows shock-induced separation at high angles of attack. ");
        }
        Map<String, Object> doc = Map.of("text", text.toString(), "domain", "aeronautics");
        call("PUT", "/abstracts", MAPPING);
        call("PUT", "/_ingest/pipeline/scimoe", PIPELINE);
        ObjectPath indexed = json("PUT", "/abstracts/_doc/huge?pipeline=scimoe&refresh=true", toJson(doc));
        assertThat(indexed.evaluate("result"), equalTo("created"));

        ObjectPath r = json("POST", "/_scimoe/_embed", toJson(Map.of("texts", List.of(text.toString()))));
        assertThat(r.evaluate("embeddings.0.truncated"), equalTo(true));
        assertThat(r.evaluate("embeddings.0.tokens"), equalTo(256));
    }

    public void testUnknownModelAndBadRequests() throws IOException {
        ResponseException pipeline = failing("PUT", "/_ingest/pipeline/nope", """
                {"processors": [{"scimoe_embed": {"field": "text", "model": "no-such-model"}}]}""");
        assertThat(pipeline.getResponse().getStatusLine().getStatusCode(), equalTo(400));
        assertThat(body(pipeline), containsString("unknown model 'no-such-model'"));

        ResponseException both = failing("PUT", "/_ingest/pipeline/nope", """
                {"processors": [{"scimoe_embed": {"field": "text", "domain": "medicine", "domain_field": "domain"}}]}""");
        assertThat(body(both), containsString("either [domain] or [domain_field]"));

        ResponseException embed = failing("POST", "/_scimoe/_embed", """
                {"texts": ["x"], "model": "no-such-model"}""");
        assertThat(embed.getResponse().getStatusLine().getStatusCode(), equalTo(400));
        assertThat(body(embed), containsString("unknown model 'no-such-model'"));

        ResponseException empty = failing("POST", "/_scimoe/_embed", """
                {"texts": ["fine", "  "]}""");
        assertThat(empty.getResponse().getStatusLine().getStatusCode(), equalTo(400));
        assertThat(body(empty), containsString("text: is empty (input 1)"));

        ResponseException role = failing("POST", "/_scimoe/_embed", """
                {"texts": ["fine"], "role": "answer"}""");
        assertThat(body(role), containsString("role: must be query or document"));

        call("PUT", "/abstracts", MAPPING);
        ResponseException search = failing("POST", "/abstracts/_search", """
                {"knn": {"field": "embedding", "k": 1, "num_candidates": 10,
                   "query_vector_builder": {"scimoe": {"model": "no-such-model", "text": "anything"}}}}""");
        assertThat(search.getResponse().getStatusLine().getStatusCode(), equalTo(400));
        assertThat(body(search), containsString("unknown model 'no-such-model'"));
    }

    /** ignore_missing, routing_field, and Elasticsearch's own on_failure around the processor ("if" needs painless, not in these nodes). */
    public void testProcessorOptions() throws IOException {
        call("PUT", "/abstracts", MAPPING);
        call("PUT", "/_ingest/pipeline/options", """
                {"processors": [{"scimoe_embed": {"field": "text", "model": "minilm-l6-v2", "ignore_missing": true, "routing_field": "routing",
                    "on_failure": [{"scimoe_embed": {"field": "fallback", "target_field": "embedding", "model": "minilm-l6-v2"}}]}}]}""");
        call("PUT", "/abstracts/_doc/no-text?pipeline=options&refresh=true", "{\"title\": \"only a title\"}");
        call("PUT", "/abstracts/_doc/with-text?pipeline=options&refresh=true", "{\"text\": \"fetal plasma glucose\"}");
        call("PUT", "/abstracts/_doc/recovered?pipeline=options&refresh=true", "{\"text\": 5, \"fallback\": \"fetal plasma glucose\"}");

        ObjectPath missing = json("GET", "/abstracts/_doc/no-text", null);
        assertNull(missing.evaluate("_source.routing"));
        ObjectPath withText = json("GET", "/abstracts/_doc/with-text", null);
        assertThat(withText.evaluate("_source.routing.expert"), equalTo(-1)); // MiniLM does not route
        // The failing document was embedded by the on_failure processor from its other field.
        ObjectPath knn = json("POST", "/abstracts/_search", """
                {"knn": {"field": "embedding", "k": 3, "num_candidates": 10,
                   "query_vector_builder": {"scimoe": {"text": "fetal plasma glucose"}}}}""");
        List<Object> hits = knn.evaluate("hits.hits");
        assertThat(hits.size(), equalTo(2));
        assertThat(knn.evaluate("hits.hits.0._score"), equalTo(knn.evaluate("hits.hits.1._score")));
    }

    /**
     * A bundle whose graph cannot load: the start-up check lists it as failed with the reason before anything
     * used it, a pipeline or request naming it is refused with that reason (400), the node stays up.
     */
    public void testBrokenModelIsRefusedAndNodeStaysUp() throws Exception {
        Map<String, Object> broken = model(bundlesChecked(), "broken-moe");
        assertThat(broken.get("state"), equalTo("failed"));
        assertThat((String) broken.get("failure"), containsString("ORT_INVALID_PROTOBUF"));
        @SuppressWarnings("unchecked")
        Map<String, Object> routing = (Map<String, Object>) broken.get("routing");
        assertThat(routing.get("domains"), equalTo(List.of("aeronautics", "medicine")));

        ResponseException pipeline = failing("PUT", "/_ingest/pipeline/moe", """
                {"processors": [{"scimoe_embed": {"field": "text", "model": "broken-moe", "domain": "medicine"}}]}""");
        assertThat(pipeline.getResponse().getStatusLine().getStatusCode(), equalTo(400));
        assertThat(body(pipeline), containsString("model 'broken-moe' failed to load"));
        assertThat(body(pipeline), containsString("ORT_INVALID_PROTOBUF"));

        ResponseException embed = failing("POST", "/_scimoe/_embed", """
                {"texts": ["fetal glucose"], "model": "broken-moe"}""");
        assertThat(embed.getResponse().getStatusLine().getStatusCode(), equalTo(400));
        assertThat(body(embed), containsString("model 'broken-moe' failed to load"));

        // The good model still works on the same node.
        assertThat(json("POST", "/_scimoe/_embed", "{\"texts\": [\"fetal glucose\"]}").evaluate("dimensions"), equalTo(384));
    }

    /** Query texts are embedded on the pool scimoe_query, documents on scimoe_inference (so a search never waits behind a bulk load). */
    public void testQueriesAndDocumentsRunOnTheirOwnPools() throws IOException {
        call("PUT", "/abstracts", MAPPING);
        call("PUT", "/_ingest/pipeline/scimoe", PIPELINE);
        long[] before = completed();
        StringBuilder bulk = new StringBuilder();
        for (Map<String, Object> doc : demoAbstracts(2)) {
            bulk.append("{\"index\":{\"_id\":\"").append(doc.get("id")).append("\"}}\n").append(toJson(doc)).append('\n');
        }
        assertThat(json("POST", "/abstracts/_bulk?pipeline=scimoe&refresh=true", bulk.toString()).evaluate("errors"), equalTo(false));
        long[] afterBulk = completed();
        assertThat("document batches ran on scimoe_inference", afterBulk[0], greaterThan(before[0]));
        assertThat("no document ran on scimoe_query", afterBulk[1], equalTo(before[1]));

        json("POST", "/_scimoe/_embed", "{\"texts\": [\"pools for queries\"], \"role\": \"query\"}");
        json("POST", "/abstracts/_search", """
                {"knn": {"field": "embedding", "k": 1, "num_candidates": 10,
                   "query_vector_builder": {"scimoe": {"text": "a query on its own pool"}}}}""");
        long[] afterQueries = completed();
        assertThat("the query texts ran on scimoe_query", afterQueries[1], equalTo(afterBulk[1] + 2));
        assertThat("no query ran on scimoe_inference", afterQueries[0], equalTo(afterBulk[0]));
    }

    /** Completed tasks of the node's pools scimoe_inference and scimoe_query. */
    @SuppressWarnings("unchecked")
    private static long[] completed() throws IOException {
        Map<String, Object> nodes = json("GET", "/_nodes/stats/thread_pool", null).evaluate("nodes");
        Map<String, Object> pools = (Map<String, Object>) ((Map<String, Object>) nodes.values().iterator().next()).get("thread_pool");
        return new long[] {((Number) ((Map<String, Object>) pools.get("scimoe_inference")).get("completed")).longValue(),
                ((Number) ((Map<String, Object>) pools.get("scimoe_query")).get("completed")).longValue()};
    }

    /** The default model's texts and batches so far (0, 0 before it is loaded). */
    @SuppressWarnings("unchecked")
    static long[] textsAndBatches(String modelName) throws IOException {
        Map<String, Object> stats = (Map<String, Object>) model(json("GET", "/_scimoe/models", null), modelName).get("stats");
        return stats == null ? new long[2]
                : new long[] {((Number) stats.get("texts")).longValue(), ((Number) stats.get("batches")).longValue()};
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> model(ObjectPath models, String name) throws IOException {
        List<Object> all = models.evaluate("models");
        List<String> names = new ArrayList<>();
        for (Object m : all) {
            Map<String, Object> map = (Map<String, Object>) m;
            names.add((String) map.get("name"));
            if (name.equals(map.get("name"))) {
                return map;
            }
        }
        assertThat(names, hasItem(name));
        throw new AssertionError();
    }
}

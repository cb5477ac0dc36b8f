package org.scimoe.elasticsearch;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.http.client.config.RequestConfig;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.test.ESIntegTestCase.ClusterScope;
import org.elasticsearch.test.ESIntegTestCase.Scope;
import org.elasticsearch.test.rest.ObjectPath;

/**
 * The node under load, over HTTP: a burst larger than the document queue gets 429s per document while
 * every acknowledged document is indexed and searches are answered; concurrent query texts share
 * micro-batches; a query cache hit does not use the query pool.
 */
@ClusterScope(scope = Scope.SUITE, numDataNodes = 1, numClientNodes = 0, supportsDedicatedMasters = false)
public class ScimoeLoadRestTests extends ScimoeRestTestCase {
    static final int QUEUE = 8;

    @Override
    protected Settings nodeSettings(int nodeOrdinal, Settings otherSettings) {
        return Settings.builder().put(super.nodeSettings(nodeOrdinal, otherSettings))
                .put(ScimoeSettings.INFERENCE_QUEUE_SIZE.getKey(), QUEUE)
                .put(ScimoeSettings.QUERY_MAX_BATCH.getKey(), 32) // micro-batches are opt-in on a CPU node
                .build();
    }

    public void testBurstBeyondTheQueueGets429sEveryAcknowledgedDocumentIsIndexedAndSearchesAreAnswered() throws Exception {
        call("PUT", "/searchable", ScimoeSingleNodeRestTests.MAPPING);
        call("PUT", "/burst", ScimoeSingleNodeRestTests.MAPPING);
        call("PUT", "/_ingest/pipeline/scimoe", ScimoeSingleNodeRestTests.PIPELINE);
        List<Map<String, Object>> docs = demoAbstracts(50);
        assertThat(json("POST", "/searchable/_bulk?pipeline=scimoe&refresh=true", bulkBody(docs.subList(0, 4), "")).evaluate("errors"),
                equalTo(false));

        // 4 clients x 2 bulks of 25 documents (200), against room for 8 documents waiting for inference.
        int clients = 4, bulks = 2, perBulk = 25;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<ObjectPath>> answers = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int c = 0; c < clients; c++) {
            for (int b = 0; b < bulks; b++) {
                int from = (c * bulks + b) * perBulk;
                String body = bulkBody(docs.subList(from, from + perBulk), "");
                answers.add(pool.submit(() -> {
                    go.await();
                    return bulkPatiently("/burst/_bulk?pipeline=scimoe", body);
                }));
            }
        }
        go.countDown();
        int searches = 0;
        try {
            // The node answers searches throughout the burst (a text kNN search needs the query pool, not the document queue).
            do {
                ObjectPath hits = json("POST", "/searchable/_search", """
                        {"knn": {"field": "embedding", "k": 1, "num_candidates": 10,
                           "query_vector_builder": {"scimoe": {"text": "search during a burst, number %d"}}}}""".formatted(searches));
                assertThat(((List<?>) hits.evaluate("hits.hits")).size(), equalTo(1));
                searches++;
            } while (answers.stream().anyMatch(f -> f.isDone() == false));
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(600, TimeUnit.SECONDS));
        }

        Set<String> acknowledged = new HashSet<>();
        int rejected = 0;
        for (Future<ObjectPath> f : answers) {
            ObjectPath r = f.get();
            List<Object> items = r.evaluate("items");
            assertThat(items.size(), equalTo(perBulk));
            for (int i = 0; i < items.size(); i++) {
                int status = r.evaluate("items." + i + ".index.status");
                String id = r.evaluate("items." + i + ".index._id");
                if (status == 201) {
                    acknowledged.add(id);
                } else {
                    assertThat(id + ": " + r.evaluate("items." + i + ".index.error"), status, equalTo(429));
                    assertThat(r.evaluate("items." + i + ".index.error.type"), equalTo("es_rejected_execution_exception"));
                    String reason = r.evaluate("items." + i + ".index.error.reason");
                    assertThat(reason, containsString("queue [scimoe_inference] is full"));
                    assertThat(reason, containsString("[scimoe.inference.queue_size] = " + QUEUE));
                    rejected++;
                }
            }
        }
        logger.info("burst: {} acknowledged, {} rejected, {} searches meanwhile", acknowledged.size(), rejected, searches);
        assertThat("some documents did not fit", rejected, greaterThan(0));
        assertThat("some documents were accepted", acknowledged.size(), greaterThan(0));
        assertThat(acknowledged.size() + rejected, equalTo(clients * bulks * perBulk));
        assertThat(searches, greaterThan(0));

        // Every acknowledged document is there, with its vector (a kNN search over the index finds all of them).
        call("POST", "/burst/_refresh", null);
        assertThat(json("GET", "/burst/_count", null).evaluate("count"), equalTo(acknowledged.size()));
        ObjectPath all = json("POST", "/burst/_search", """
                {"size": 200, "_source": false, "knn": {"field": "embedding", "k": 200, "num_candidates": 200,
                   "query_vector_builder": {"scimoe": {"text": "any abstract"}}}}""");
        Set<String> found = new HashSet<>();
        for (Object hit : (List<?>) all.evaluate("hits.hits")) {
            found.add((String) ((Map<?, ?>) hit).get("_id"));
        }
        assertThat(found, equalTo(acknowledged));
    }

    /** 16 searches with distinct texts at once, micro-batches on: fewer inference batches than texts. */
    public void testConcurrentQueryTextsShareMicroBatches() throws Exception {
        call("PUT", "/_ingest/pipeline/scimoe", ScimoeSingleNodeRestTests.PIPELINE);
        call("PUT", "/few", ScimoeSingleNodeRestTests.MAPPING);
        json("POST", "/few/_bulk?pipeline=scimoe&refresh=true", bulkBody(demoAbstracts(1), ""));
        long[] before = ScimoeSingleNodeRestTests.textsAndBatches(org.scimoe.bundle.BundleCatalog.DEFAULT_BUNDLE);
        int n = 16;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ObjectPath>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                String body = """
                        {"knn": {"field": "embedding", "k": 1, "num_candidates": 10,
                           "query_vector_builder": {"scimoe": {"text": "concurrent query text number %d about wings"}}}}""".formatted(i);
                answers.add(pool.submit(() -> {
                    go.await();
                    return json("POST", "/few/_search", body);
                }));
            }
            go.countDown();
            for (Future<ObjectPath> f : answers) {
                assertThat(((List<?>) f.get(120, TimeUnit.SECONDS).evaluate("hits.hits")).size(), equalTo(1));
            }
        } finally {
            pool.shutdown();
        }
        long[] after = ScimoeSingleNodeRestTests.textsAndBatches(org.scimoe.bundle.BundleCatalog.DEFAULT_BUNDLE);
        assertThat(after[0] - before[0], equalTo((long) n));
        assertThat("query texts shared batches", after[1] - before[1], lessThan((long) n));
    }

    /** A repeated query text is answered from the cache without a task on the query pool. */
    public void testCacheHitDoesNotUseTheQueryPool() throws IOException {
        String query = "{\"texts\": [\"repeated query about lens proteins\"], \"role\": \"query\"}";
        json("POST", "/_scimoe/_embed", query);
        long completed = queryPoolCompleted();
        long hits = ((Number) json("GET", "/_scimoe/models", null).evaluate("query_cache.hits")).longValue();
        json("POST", "/_scimoe/_embed", query);
        assertThat(queryPoolCompleted(), equalTo(completed));
        assertThat(((Number) json("GET", "/_scimoe/models", null).evaluate("query_cache.hits")).longValue(), equalTo(hits + 1));
    }

    /**
     * A bulk request that may wait long for its accepted documents on a starved machine (seen: > 30 s, the REST
     * client's default socket timeout, with the shared cores busy): a bound on waiting, not a timing assertion.
     */
    private static ObjectPath bulkPatiently(String path, String body) throws IOException {
        Request request = new Request("POST", path);
        request.setJsonEntity(body);
        request.setOptions(RequestOptions.DEFAULT.toBuilder()
                .setRequestConfig(RequestConfig.custom().setSocketTimeout(300_000).setConnectionRequestTimeout(300_000).build()));
        return ObjectPath.createFromResponse(getRestClient().performRequest(request));
    }

    @SuppressWarnings("unchecked")
    private static long queryPoolCompleted() throws IOException {
        Map<String, Object> nodes = json("GET", "/_nodes/stats/thread_pool", null).evaluate("nodes");
        Map<String, Object> pools = (Map<String, Object>) ((Map<String, Object>) nodes.values().iterator().next()).get("thread_pool");
        return ((Number) ((Map<String, Object>) pools.get("scimoe_query")).get("completed")).longValue();
    }

    private static String bulkBody(List<Map<String, Object>> docs, String idPrefix) {
        StringBuilder bulk = new StringBuilder();
        for (Map<String, Object> doc : docs) {
            bulk.append("{\"index\":{\"_id\":\"").append(idPrefix).append(doc.get("id")).append("\"}}\n").append(toJson(doc)).append('\n');
        }
        return bulk.toString();
    }
}

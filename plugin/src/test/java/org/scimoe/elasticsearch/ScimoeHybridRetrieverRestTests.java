package org.scimoe.elasticsearch;

import static org.elasticsearch.test.ESIntegTestCase.Scope.SUITE;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.scimoe.elasticsearch.HybridTestSupport.assertFused;
import static org.scimoe.elasticsearch.HybridTestSupport.expectedLinear;
import static org.scimoe.elasticsearch.HybridTestSupport.expectedRrf;
import static org.scimoe.elasticsearch.HybridTestSupport.hits;
import static org.scimoe.elasticsearch.HybridTestSupport.knn;
import static org.scimoe.elasticsearch.HybridTestSupport.lexical;
import static org.scimoe.elasticsearch.HybridTestSupport.quote;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.test.ESIntegTestCase.ClusterScope;
import org.elasticsearch.test.rest.ObjectPath;
import org.junit.Before;

/**
 * The {@code scimoe_hybrid} retriever on one real node over HTTP: each fused result is checked
 * against the fusion of the sub-retrievers' own results, searched one by one.
 */
@ClusterScope(scope = SUITE, numDataNodes = 1, numClientNodes = 0, supportsDedicatedMasters = false)
public class ScimoeHybridRetrieverRestTests extends ScimoeRestTestCase {
    // The base class's helpers, without the client's 30 s timeout (HybridTestSupport#patient).
    static Response call(String method, String path, String jsonBody) throws IOException {
        return HybridTestSupport.call(getRestClient(), method, path, jsonBody);
    }

    static ObjectPath json(String method, String path, String jsonBody) throws IOException {
        return ObjectPath.createFromResponse(call(method, path, jsonBody));
    }

    private static final String QUERY = "effect of azathioprine on systemic lupus erythematosus and renal lesions";
    /** Every test: the framework wipes the indices after each one. */
    @Before
    public void indexDemoAbstracts() throws IOException {
        call("PUT", "/papers", HybridTestSupport.mapping(1));
        call("PUT", "/_ingest/pipeline/papers", HybridTestSupport.PIPELINE);
        HybridTestSupport.bulkIndex(getRestClient(), "papers", "papers", demoAbstracts(10));
    }

    private static LinkedHashMap<String, Double> search(String retriever, String extra) throws IOException {
        return hits(json("POST", "/papers/_search", "{\"retriever\": " + retriever + (extra == null ? "" : ", " + extra) + "}"));
    }

    private static LinkedHashMap<String, Double> sub(String retriever, int size) throws IOException {
        return search(retriever, "\"size\": " + size);
    }

    public void testRrfFusesTheSubRetrieversRanks() throws IOException {
        int window = 10;
        List<LinkedHashMap<String, Double>> lists = List.of(sub(lexical(QUERY), window), sub(knn(QUERY, window), window));
        assertThat(lists.get(0).size(), greaterThan(3));
        assertThat(lists.get(1).size(), equalTo(window));
        LinkedHashMap<String, Double> fused = search("""
                {"scimoe_hybrid": {"retrievers": [%s, %s], "rank_constant": 20, "rank_window_size": %s}}"""
                .formatted(lexical(QUERY), knn(QUERY, window), window), "\"size\": " + window);
        assertFused(fused, expectedRrf(lists, 20, window), lists);
    }

    public void testFromAndSizePageThroughTheFusedRanking() throws IOException {
        String retriever = """
                {"scimoe_hybrid": {"retrievers": [%s, %s], "rank_window_size": 10}}""".formatted(lexical(QUERY), knn(QUERY, 10));
        List<String> all = new ArrayList<>(search(retriever, "\"size\": 10").keySet());
        assertThat(all.size(), equalTo(10));
        List<String> page = new ArrayList<>(search(retriever, "\"from\": 3, \"size\": 4").keySet());
        assertThat(page, equalTo(all.subList(3, 7)));
    }

    public void testLinearFusesNormalisedScoresWithWeights() throws IOException {
        int window = 10;
        List<LinkedHashMap<String, Double>> lists = List.of(sub(lexical(QUERY), window), sub(knn(QUERY, window), window));
        LinkedHashMap<String, Double> fused = search("""
                {"scimoe_hybrid": {"retrievers": [%s, %s], "method": "linear", "weights": [0.3, 2.0], "rank_window_size": %s}}"""
                .formatted(lexical(QUERY), knn(QUERY, window), window), "\"size\": " + window);
        assertFused(fused, expectedLinear(lists, new double[] {0.3, 2.0}, window), lists);
        // Weights matter: the kNN side alone (lexical weight 0) ranks as kNN does.
        LinkedHashMap<String, Double> knnOnly = search("""
                {"scimoe_hybrid": {"retrievers": [%s, %s], "method": "linear", "weights": [0, 1], "rank_window_size": %s}}"""
                .formatted(lexical(QUERY), knn(QUERY, window), window), "\"size\": 3");
        assertThat(new ArrayList<>(knnOnly.keySet()), equalTo(new ArrayList<>(lists.get(1).keySet()).subList(0, 3)));
    }

    public void testShortFormIsTheLexicalAndKnnPair() throws IOException {
        LinkedHashMap<String, Double> longForm = search("""
                {"scimoe_hybrid": {"retrievers": [%s, %s], "rank_window_size": 10}}""".formatted(lexical(QUERY), knn(QUERY, 10)),
                "\"size\": 10");
        LinkedHashMap<String, Double> shortForm = search("""
                {"scimoe_hybrid": {"query": %s, "fields": ["body"], "vector_field": "embedding", "model": "minilm-l6-v2",
                  "rank_window_size": 10}}""".formatted(quote(QUERY)), "\"size\": 10");
        assertThat(shortForm, equalTo(longForm));
    }

    public void testFilterAppliesToEverySubRetriever() throws IOException {
        String filter = "\"filter\": {\"term\": {\"domain\": \"information-science\"}}";
        String text = "indexing vocabulary and thesaurus construction for libraries";
        List<LinkedHashMap<String, Double>> lists = List.of(
                search(lexical(text).replace("}}}}", "}}, " + filter + "}}"), "\"size\": 10"),
                search(knn(text, 10).replace("}}}}", "}}, " + filter + "}}"), "\"size\": 10"));
        LinkedHashMap<String, Double> fused = search("""
                {"scimoe_hybrid": {"query": %s, "fields": ["body"], "vector_field": "embedding", "rank_window_size": 10, %s}}"""
                .formatted(quote(text), filter), "\"size\": 10, \"_source\": [\"domain\"]");
        assertFused(fused, expectedRrf(lists, 60, 10), lists);
        ObjectPath domains = json("POST", "/papers/_search", """
                {"size": 10, "_source": ["domain"], "retriever": {"scimoe_hybrid": {"query": %s, "fields": ["body"],
                  "vector_field": "embedding", "rank_window_size": 10, %s}}}""".formatted(quote(text), filter));
        List<Object> hits = domains.evaluate("hits.hits");
        assertThat(hits.size(), equalTo(10));
        for (int i = 0; i < hits.size(); i++) {
            assertThat(domains.evaluate("hits.hits." + i + "._source.domain"), equalTo("information-science"));
        }
    }

    public void testBadRequestsAre400sNamingTheProblem() throws IOException {
        assertBad("""
                {"scimoe_hybrid": {"retrievers": [%s, {"nope": {}}]}}""".formatted(lexical(QUERY)),
                "[scimoe_hybrid] [retrievers][1]", "unknown retriever [nope]");
        assertBad("""
                {"scimoe_hybrid": {"retrievers": [%s, {"knn": {"field": "embedding", "k": 5, "num_candidates": 10,
                   "query_vector_builder": {"scimoe": {"text": ""}}}}]}}""".formatted(lexical(QUERY)),
                "[scimoe_hybrid] [retrievers][1]", "text is missing or empty");
        assertBad("""
                {"scimoe_hybrid": {"retrievers": [%s], "method": "sum"}}""".formatted(lexical(QUERY)),
                "[scimoe_hybrid] method must be rrf or linear, not [sum]");
        assertBad("""
                {"scimoe_hybrid": {"retrievers": [%s, %s], "method": "linear", "weights": [1]}}""".formatted(lexical(QUERY), knn(QUERY, 5)),
                "[scimoe_hybrid] [weights] has 1 values for 2 retrievers");
        assertBad("""
                {"scimoe_hybrid": {"retrievers": [%s], "weights": [1]}}""".formatted(lexical(QUERY)),
                "[weights] applies to \\\"method\\\": \\\"linear\\\" only");
        assertBad("""
                {"scimoe_hybrid": {"retrievers": [%s], "rank_constant": 0}}""".formatted(lexical(QUERY)),
                "[scimoe_hybrid] [rank_constant] must be at least 1");
        assertBad("""
                {"scimoe_hybrid": {"query": "lupus", "fields": ["body"]}}""", "[scimoe_hybrid] [vector_field] is missing");
        assertBad("""
                {"scimoe_hybrid": {"rank_window_size": 10}}""", "[scimoe_hybrid] needs [retrievers]");
        assertBad("""
                {"scimoe_hybrid": {"query": "lupus", "fields": ["body"], "vector_field": "embedding", "retrievers": [%s]}}"""
                .formatted(lexical(QUERY)), "either [retrievers] or the short form");
        // A sub-retriever that fails when it runs (kNN on a text field): the 400 names its type.
        assertBad("""
                {"scimoe_hybrid": {"retrievers": [%s, %s]}}""".formatted(lexical(QUERY), knn(QUERY, 5).replace("\"embedding\"", "\"title\"")),
                "[scimoe_hybrid]", "[knn]");
        // Size beyond the window.
        ResponseException e = failing("POST", "/papers/_search", "{\"size\": 20, \"retriever\": {\"scimoe_hybrid\": {\"retrievers\": ["
                + lexical(QUERY) + "], \"rank_window_size\": 5}}}");
        assertThat(e.getResponse().getStatusLine().getStatusCode(), equalTo(400));
        assertThat(body(e), containsString("rank_window_size: 5"));
    }

    private static void assertBad(String retriever, String... expected) throws IOException {
        ResponseException e = failing("POST", "/papers/_search", "{\"retriever\": " + retriever + "}");
        String body = body(e);
        assertThat(body, e.getResponse().getStatusLine().getStatusCode(), equalTo(400));
        for (String s : expected) {
            assertThat(body, containsString(s));
        }
    }
}

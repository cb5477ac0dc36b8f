package org.scimoe.elasticsearch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.http.client.config.RequestConfig;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.test.rest.ObjectPath;
import org.scimoe.fusion.ResultFusion;

/**
 * What the hybrid retriever tests share: an index whose lexical field {@code body} (title + text
 * through copy_to) is analysed like the engine's BM25 field, and the expected fusion computed on the
 * client from the sub-retrievers' own results, searched one by one.
 */
final class HybridTestSupport {
    static String mapping(int shards) {
        return """
                {"settings": {"number_of_shards": %s, "number_of_replicas": 0},
                 "mappings": {"properties": {
                   "id": {"type": "keyword"}, "domain": {"type": "keyword"},
                   "title": {"type": "text", "copy_to": "body"}, "text": {"type": "text", "copy_to": "body"},
                   "body": {"type": "text", "analyzer": "scimoe_english"},
                   "embedding": {"type": "dense_vector", "dims": 384, "similarity": "cosine"}}}}""".formatted(shards);
    }

    static final String PIPELINE = """
            {"processors": [{"scimoe_embed": {"field": ["title", "text"], "target_field": "embedding"}}]}""";

    /**
     * Indexes the documents through the pipeline in bulks of a few documents (a busy machine embeds a
     * large bulk slower than the REST client's 30 s timeout), then refreshes.
     */
    static void bulkIndex(RestClient client, String index, String pipeline, List<Map<String, Object>> docs) throws IOException {
        for (int from = 0; from < docs.size(); from += 4) {
            Request request = patient(new Request("POST", "/" + index + "/_bulk?pipeline=" + pipeline));
            request.setJsonEntity(bulk(docs.subList(from, Math.min(docs.size(), from + 4))));
            ObjectPath result = ObjectPath.createFromResponse(client.performRequest(request));
            assertThat(result.evaluate("errors"), equalTo(false));
        }
        client.performRequest(new Request("POST", "/" + index + "/_refresh"));
    }

    /**
     * The request without the REST client's 30 s socket timeout: on a machine shared with other CPU
     * jobs, a node's first use of the model (loading it) or a bulk's embedding can take longer. The
     * tests assert what comes back, never how fast.
     */
    static Request patient(Request request) {
        request.setOptions(RequestOptions.DEFAULT.toBuilder().setRequestConfig(RequestConfig.custom()
                .setSocketTimeout(PATIENT_MILLIS).setConnectionRequestTimeout(PATIENT_MILLIS).build()));
        return request;
    }

    static final int PATIENT_MILLIS = 600_000;

    static Response call(RestClient client, String method, String path, String body) throws IOException {
        Request request = patient(new Request(method, path));
        if (body != null) {
            request.setJsonEntity(body);
        }
        return client.performRequest(request);
    }

    static String bulk(List<Map<String, Object>> docs) {
        StringBuilder bulk = new StringBuilder();
        for (Map<String, Object> doc : docs) {
            bulk.append("{\"index\":{\"_id\":\"").append(doc.get("id")).append("\"}}\n").append(ScimoeRestTestCase.toJson(doc)).append('\n');
        }
        return bulk.toString();
    }

    static String lexical(String text) {
        return "{\"standard\": {\"query\": {\"match\": {\"body\": " + quote(text) + "}}}}";
    }

    static String knn(String text, int k) {
        return "{\"knn\": {\"field\": \"embedding\", \"k\": " + k + ", \"num_candidates\": " + Math.max(k, 100)
                + ", \"query_vector_builder\": {\"scimoe\": {\"text\": " + quote(text) + "}}}}";
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A search's hits: _id -> _score, in the order returned. */
    static LinkedHashMap<String, Double> hits(ObjectPath response) throws IOException {
        LinkedHashMap<String, Double> out = new LinkedHashMap<>();
        List<Object> hits = response.evaluate("hits.hits");
        for (int i = 0; i < hits.size(); i++) {
            String id = response.evaluate("hits.hits." + i + "._id");
            Number score = response.evaluate("hits.hits." + i + "._score");
            out.put(id, score.doubleValue());
        }
        return out;
    }

    static List<String> rankedIds(List<LinkedHashMap<String, Double>> lists, int i) {
        return new ArrayList<>(lists.get(i).keySet());
    }

    static List<ResultFusion.Scored<String>> expectedRrf(List<LinkedHashMap<String, Double>> lists, int rankConstant, int size) {
        List<List<String>> ids = new ArrayList<>();
        for (int i = 0; i < lists.size(); i++) {
            ids.add(rankedIds(lists, i));
        }
        return ResultFusion.reciprocalRank(ids, rankConstant, size);
    }

    static List<ResultFusion.Scored<String>> expectedLinear(List<LinkedHashMap<String, Double>> lists, double[] weights, int size) {
        List<List<ResultFusion.Scored<String>>> scored = new ArrayList<>();
        for (LinkedHashMap<String, Double> list : lists) {
            scored.add(list.entrySet().stream().map(e -> new ResultFusion.Scored<>(e.getKey(), e.getValue())).toList());
        }
        return ResultFusion.linear(scored, weights, size);
    }

    /**
     * The retriever's hits are the expected fusion: the same documents with the same scores in the same
     * order. Equal fused scores are ordered by the documents' ranks in the sub-retrievers, never by how
     * either side identifies a document (shard and Lucene doc on the node, _id here), so ties come in
     * the expected order too; {@code lists} are the sub-retrievers' own results the expectation was
     * computed from. Only where a sub-retriever's own list holds equal scores (which a search run
     * alone and the retriever's sub-search may order differently across shards) is the order checked
     * through the scores alone.
     */
    static void assertFused(LinkedHashMap<String, Double> actual, List<ResultFusion.Scored<String>> expected,
                            List<LinkedHashMap<String, Double>> lists) {
        assertThat("hits " + actual + " vs expected " + expected, actual.size(), equalTo(expected.size()));
        Map<String, Double> expectedById = new LinkedHashMap<>();
        expected.forEach(s -> expectedById.put(s.key(), s.score()));
        double previous = Double.POSITIVE_INFINITY;
        int i = 0;
        for (Map.Entry<String, Double> hit : actual.entrySet()) {
            Double want = expectedById.get(hit.getKey());
            assertThat("unexpected hit " + hit.getKey() + " in " + actual + "; expected " + expected, want != null, equalTo(true));
            assertThat("score of " + hit.getKey(), hit.getValue(), closeTo(want, 1e-5));
            assertThat("rank " + i + " score", hit.getValue(), lessThanOrEqualTo(previous));
            assertThat("rank " + i + " score equals the expected rank's", hit.getValue(), closeTo(expected.get(i).score(), 1e-5));
            previous = hit.getValue();
            i++;
        }
        if (lists.stream().noneMatch(HybridTestSupport::hasEqualScores)) {
            assertThat("the fused order, ties by rank", new ArrayList<>(actual.keySet()),
                    equalTo(expected.stream().map(ResultFusion.Scored::key).toList()));
        }
    }

    private static boolean hasEqualScores(LinkedHashMap<String, Double> list) {
        return list.values().stream().distinct().count() < list.size();
    }

    private HybridTestSupport() {}
}

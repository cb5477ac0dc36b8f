package org.scimoe.elasticsearch;

import static org.elasticsearch.test.ESIntegTestCase.Scope.SUITE;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.test.ESIntegTestCase.ClusterScope;
import org.elasticsearch.test.rest.ObjectPath;

/**
 * Long documents as passages ({@code scimoe_embed} with {@code chunking}) on a real node over HTTP:
 * a document whose only relevant sentence lies beyond the model's 256-token window is found through
 * its passages and missed without them; passage offsets point into the embedded text; a nested kNN
 * returns the document once, with its best passage in inner_hits.
 */
@ClusterScope(scope = SUITE, numDataNodes = 1, numClientNodes = 0, supportsDedicatedMasters = false)
public class ScimoePassagesRestTests extends ScimoeRestTestCase {
    // The base class's helpers, without the client's 30 s timeout (HybridTestSupport#patient).
    static Response call(String method, String path, String jsonBody) throws IOException {
        return HybridTestSupport.call(getRestClient(), method, path, jsonBody);
    }

    static ObjectPath json(String method, String path, String jsonBody) throws IOException {
        return ObjectPath.createFromResponse(call(method, path, jsonBody));
    }

    private static final String RELEVANT = "Arctic terns navigate their pole-to-pole migration by the geomagnetic field and the position of the sun.";
    private static final String QUERY = "how do arctic terns find their way during migration";

    /**
     * About 500 tokens of compiler text, then the one sentence about terns. The pipeline's passages (48
     * tokens, 24 of them shared with the previous passage) are short enough for the sentence to dominate
     * one of them, and the overlap is longer than the sentence, so one passage holds all of it.
     */
    static String longDocument() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 2400; i++) {
            text.append("The optimizing compiler allocates registers to loop variables and spills temporaries to the stack in pass ")
                    .append(i).append(". ");
        }
        return text.append(RELEVANT).append(" The register allocator then runs again.").toString();
    }

    private static final String MAPPING = """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {"text": {"type": "text"},
               "passages": {"type": "nested", "properties": {
                 "vector": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
                 "offset": {"type": "integer"}, "length": {"type": "integer"}}},
               "embedding": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
               "truncation": {"type": "object"}}}}""";

    private static void indexBoth() throws IOException {
        call("PUT", "/chunked", MAPPING);
        call("PUT", "/whole", MAPPING);
        call("PUT", "/_ingest/pipeline/chunked", """
                {"processors": [{"scimoe_embed": {"field": "text", "target_field": "passages",
                   "chunking": {"max_tokens": 48, "overlap_tokens": 24}, "truncation_field": "truncation"}}]}""");
        call("PUT", "/_ingest/pipeline/whole", """
                {"processors": [{"scimoe_embed": {"field": "text", "target_field": "embedding", "truncation_field": "truncation"}}]}""");
        StringBuilder bulk = new StringBuilder();
        bulk.append("{\"index\":{\"_id\":\"long\"}}\n").append(toJson(Map.of("text", longDocument()))).append('\n');
        // A short document on a neighbouring subject: the best match when the terns sentence is cut away.
        bulk.append("{\"index\":{\"_id\":\"seabirds\"}}\n").append(toJson(Map.of("text",
                "Breeding success of gulls and puffins in seabird colonies on coastal cliffs."))).append('\n');
        for (Map<String, Object> doc : demoAbstracts(2)) {
            bulk.append("{\"index\":{\"_id\":\"").append(doc.get("id")).append("\"}}\n")
                    .append(toJson(Map.of("text", doc.get("title") + ". " + doc.get("text")))).append('\n');
        }
        for (String index : List.of("chunked", "whole")) {
            ObjectPath r = json("POST", "/" + index + "/_bulk?pipeline=" + index + "&refresh=true", bulk.toString());
            assertThat(r.evaluate("errors"), equalTo(false));
        }
    }

    public void testTheSentenceBeyondTheWindowIsFoundOnlyThroughPassages() throws IOException {
        indexBoth();
        ObjectPath chunked = json("POST", "/chunked/_search", """
                {"size": 5, "_source": false, "knn": {"field": "passages.vector", "k": 5, "num_candidates": 100,
                   "query_vector_builder": {"scimoe": {"text": "%s"}},
                   "inner_hits": {"size": 1, "_source": ["passages.offset", "passages.length"]}}}""".formatted(QUERY));
        assertThat(chunked.evaluate("hits.hits.0._id"), equalTo("long"));
        // Each document once, scored by its best passage.
        List<Object> hits = chunked.evaluate("hits.hits");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < hits.size(); i++) {
            assertTrue("document listed twice", ids.add(chunked.evaluate("hits.hits." + i + "._id")));
        }
        Number best = chunked.evaluate("hits.hits.0._score");
        Number bestPassage = chunked.evaluate("hits.hits.0.inner_hits.passages.hits.hits.0._score");
        assertThat(best.doubleValue(), equalTo(bestPassage.doubleValue()));
        int offset = chunked.evaluate("hits.hits.0.inner_hits.passages.hits.hits.0._source.offset");
        int length = chunked.evaluate("hits.hits.0.inner_hits.passages.hits.hits.0._source.length");
        assertThat(longDocument().substring(offset, offset + length), containsString("Arctic terns"));

        ObjectPath whole = json("POST", "/whole/_search", """
                {"size": 5, "_source": false, "knn": {"field": "embedding", "k": 5, "num_candidates": 100,
                   "query_vector_builder": {"scimoe": {"text": "%s"}}}}""".formatted(QUERY));
        assertThat(whole.evaluate("hits.hits.0._id"), not(equalTo("long")));

        // Without chunking the truncation field says the text was cut at the window; with chunking nothing was lost.
        assertThat(json("GET", "/whole/_doc/long", null).evaluate("_source.truncation"), equalTo(Map.of("truncated", true, "tokens", 256)));
        Map<String, Object> chunkedTruncation = json("GET", "/chunked/_doc/long", null).evaluate("_source.truncation");
        assertThat(chunkedTruncation.get("truncated"), equalTo(false));
        assertThat((Integer) chunkedTruncation.get("passages"), greaterThanOrEqualTo(4));
        assertThat(json("GET", "/whole/_doc/seabirds", null).evaluate("_source.truncation.truncated"), equalTo(false));
    }

    public void testPassageOffsetsPointIntoTheText() throws IOException {
        indexBoth();
        String text = longDocument();
        ObjectPath doc = json("GET", "/chunked/_doc/long", null);
        List<Map<String, Object>> passages = doc.evaluate("_source.passages");
        assertThat(passages.size(), greaterThan(3));
        int previousEnd = 0;
        for (int i = 0; i < passages.size(); i++) {
            int offset = (Integer) passages.get(i).get("offset");
            int length = (Integer) passages.get(i).get("length");
            String passage = text.substring(offset, offset + length);
            assertThat("passage " + i + " starts at a word", Character.isLetterOrDigit(passage.charAt(0)) || passage.charAt(0) == '.',
                    equalTo(true));
            if (i == 0) {
                assertThat(offset, equalTo(0));
            } else {
                assertThat("passage " + i + " overlaps the previous one", offset < previousEnd, equalTo(true));
            }
            previousEnd = offset + length;
        }
        assertThat(previousEnd, equalTo(text.length()));
        assertThat(passages.stream().filter(p -> text.substring((Integer) p.get("offset"), (Integer) p.get("offset") + (Integer) p.get("length"))
                .contains(RELEVANT)).count(), greaterThan(0L));
    }

    public void testBadChunkingOptionsAre400sNamingTheOption() throws IOException {
        ResponseException e = failing("PUT", "/_ingest/pipeline/bad", """
                {"processors": [{"scimoe_embed": {"field": "text", "target_field": "passages", "chunking": {"max_tokens": 4096}}}]}""");
        assertThat(e.getResponse().getStatusLine().getStatusCode(), equalTo(400));
        assertThat(body(e), containsString("chunking.max_tokens"));
        e = failing("PUT", "/_ingest/pipeline/bad", """
                {"processors": [{"scimoe_embed": {"field": "text", "chunking": {"max_tokens": 128, "overlap_tokens": 100}}}]}""");
        assertThat(body(e), containsString("chunking.overlap_tokens"));
        e = failing("PUT", "/_ingest/pipeline/bad", """
                {"processors": [{"scimoe_embed": {"field": "text", "chunking": {"size": 128}}}]}""");
        assertThat(body(e), containsString("unknown option [size]"));
    }
}

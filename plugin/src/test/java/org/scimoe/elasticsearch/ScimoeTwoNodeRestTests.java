package org.scimoe.elasticsearch;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.test.ESIntegTestCase.ClusterScope;
import org.elasticsearch.test.ESIntegTestCase.Scope;
import org.elasticsearch.test.rest.ObjectPath;

/**
 * Two nodes: documents go through the pipeline on one node, the kNN query is coordinated by the
 * other, so each node loads the model for its own part and the query vector is built where the
 * search is coordinated.
 */
@ClusterScope(scope = Scope.SUITE, numDataNodes = 2, numClientNodes = 0, supportsDedicatedMasters = false)
public class ScimoeTwoNodeRestTests extends ScimoeRestTestCase {

    public void testIngestOnOneNodeSearchFromTheOther() throws IOException {
        String[] nodes = internalCluster().getNodeNames();
        assertThat(nodes.length, equalTo(2));
        try (RestClient ingestNode = createRestClient(nodes[0]); RestClient searchNode = createRestClient(nodes[1])) {
            send(ingestNode, "PUT", "/abstracts", ScimoeSingleNodeRestTests.MAPPING.replace("\"number_of_shards\": 1", "\"number_of_shards\": 2"));
            send(ingestNode, "PUT", "/_ingest/pipeline/scimoe", ScimoeSingleNodeRestTests.PIPELINE);
            StringBuilder bulk = new StringBuilder();
            for (Map<String, Object> doc : demoAbstracts(3)) {
                bulk.append("{\"index\":{\"_id\":\"").append(doc.get("id")).append("\"}}\n").append(toJson(doc)).append('\n');
            }
            ObjectPath indexed = ObjectPath.createFromResponse(
                    send(ingestNode, "POST", "/abstracts/_bulk?pipeline=scimoe&refresh=true", bulk.toString()));
            assertThat(indexed.evaluate("errors"), equalTo(false));

            ObjectPath knn = ObjectPath.createFromResponse(send(searchNode, "POST", "/abstracts/_search", """
                    {"knn": {"field": "embedding", "k": 3, "num_candidates": 12,
                       "query_vector_builder": {"scimoe": {"model": "minilm-l6-v2", "text": "wing aerodynamics in a propeller slipstream"}}}}"""));
            assertThat(knn.evaluate("hits.hits.0._id"), equalTo("cranfield-1"));

            // The query was embedded by the coordinating node; the ingest node embedded documents only.
            Map<String, Object> onIngest = ScimoeSingleNodeRestTests.model(models(ingestNode), "minilm-l6-v2");
            ObjectPath searchModels = models(searchNode);
            Map<String, Object> onSearch = ScimoeSingleNodeRestTests.model(searchModels, "minilm-l6-v2");
            assertThat(onIngest.get("state"), equalTo("loaded"));
            assertThat(onSearch.get("state"), equalTo("loaded"));
            assertThat(((Number) searchModels.evaluate("query_cache.misses")).intValue(), equalTo(1));
            assertThat(((Number) models(ingestNode).evaluate("query_cache.misses")).intValue(), equalTo(0));
            @SuppressWarnings("unchecked")
            Map<String, Object> ingestStats = (Map<String, Object>) onIngest.get("stats");
            assertThat(((Number) ingestStats.get("texts")).intValue(), greaterThan(1));

            // The same, for the whole cluster, from either node.
            ObjectPath cluster = ObjectPath.createFromResponse(send(ingestNode, "GET", "/_scimoe/_nodes/models", null));
            assertThat(cluster.evaluate("_nodes.total"), equalTo(2));
            assertThat(cluster.evaluate("_nodes.successful"), equalTo(2));
            Map<String, Object> byId = cluster.evaluate("nodes");
            Set<String> names = new HashSet<>();
            int misses = 0;
            for (String id : byId.keySet()) {
                names.add(cluster.evaluate("nodes." + id + ".name"));
                misses += ((Number) cluster.evaluate("nodes." + id + ".query_cache.misses")).intValue();
                List<Object> models = cluster.evaluate("nodes." + id + ".models");
                assertTrue(models.stream().anyMatch(m -> m instanceof Map<?, ?> map && "minilm-l6-v2".equals(map.get("name"))
                        && "loaded".equals(map.get("state"))));
            }
            assertThat(names, equalTo(Set.of(nodes)));
            assertThat(misses, equalTo(1));

            ObjectPath one = ObjectPath.createFromResponse(send(searchNode, "GET", "/_scimoe/_nodes/" + nodes[0] + "/models", null));
            assertThat(one.evaluate("_nodes.total"), equalTo(1));
            Map<String, Object> only = one.evaluate("nodes");
            assertThat(one.evaluate("nodes." + only.keySet().iterator().next() + ".name"), equalTo(nodes[0]));

            // A reload asked of one node reloads the bundle on every node; the other node's searches still work.
            ObjectPath reload = ObjectPath.createFromResponse(send(ingestNode, "POST", "/_scimoe/models/minilm-l6-v2/_reload", null));
            assertThat(reload.evaluate("_nodes.successful"), equalTo(2));
            Map<String, Object> reloaded = reload.evaluate("nodes");
            for (String id : reloaded.keySet()) {
                assertThat(reload.evaluate("nodes." + id + ".model.state"), equalTo("loaded"));
            }
            ObjectPath again = ObjectPath.createFromResponse(send(searchNode, "POST", "/abstracts/_search", """
                    {"knn": {"field": "embedding", "k": 3, "num_candidates": 12,
                       "query_vector_builder": {"scimoe": {"text": "wing aerodynamics in a propeller slipstream"}}}}"""));
            assertThat(again.evaluate("hits.hits.0._id"), equalTo("cranfield-1"));
        }
    }

    private static ObjectPath models(RestClient client) throws IOException {
        return ObjectPath.createFromResponse(send(client, "GET", "/_scimoe/models", null));
    }

    private static org.elasticsearch.client.Response send(RestClient client, String method, String path, String body) throws IOException {
        Request request = new Request(method, path);
        if (body != null) {
            request.setJsonEntity(body);
        }
        return client.performRequest(request);
    }

}

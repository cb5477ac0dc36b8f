package org.scimoe.elasticsearch;

import static org.hamcrest.Matchers.equalTo;
import static org.scimoe.elasticsearch.HybridTestSupport.assertFused;
import static org.scimoe.elasticsearch.HybridTestSupport.expectedRrf;
import static org.scimoe.elasticsearch.HybridTestSupport.hits;
import static org.scimoe.elasticsearch.HybridTestSupport.knn;
import static org.scimoe.elasticsearch.HybridTestSupport.lexical;

import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.test.ESIntegTestCase.ClusterScope;
import org.elasticsearch.test.ESIntegTestCase.Scope;
import org.elasticsearch.test.rest.ObjectPath;

/**
 * {@code scimoe_hybrid} on two nodes and four shards: documents are ingested through one node, the
 * retriever is coordinated by the other, and the fused ranking over all shards equals the fusion of
 * the sub-retrievers' own (cluster-wide) results.
 */
@ClusterScope(scope = Scope.SUITE, numDataNodes = 2, numClientNodes = 0, supportsDedicatedMasters = false)
public class ScimoeHybridTwoNodeRestTests extends ScimoeRestTestCase {

    public void testFusionAcrossShardsAndNodes() throws IOException {
        String[] nodes = internalCluster().getNodeNames();
        assertThat(nodes.length, equalTo(2));
        try (RestClient ingestNode = createRestClient(nodes[0]); RestClient searchNode = createRestClient(nodes[1])) {
            send(ingestNode, "PUT", "/papers", HybridTestSupport.mapping(4));
            send(ingestNode, "PUT", "/_ingest/pipeline/papers", HybridTestSupport.PIPELINE);
            HybridTestSupport.bulkIndex(ingestNode, "papers", "papers", demoAbstracts(6));
            // The shards are spread over both nodes, so the fusion has to merge results from both.
            ObjectPath shards = ObjectPath.createFromResponse(send(searchNode, "GET", "/papers/_search_shards", null));
            Set<Object> holders = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                holders.add(shards.evaluate("shards." + i + ".0.node"));
            }
            assertThat(holders.size(), equalTo(2));

            String text = "boundary layer transition on a flat plate in supersonic flow";
            int window = 10;
            List<LinkedHashMap<String, Double>> lists = List.of(
                    hits(search(searchNode, lexical(text), window)), hits(search(searchNode, knn(text, window), window)));
            LinkedHashMap<String, Double> fused = hits(search(searchNode, """
                    {"scimoe_hybrid": {"retrievers": [%s, %s], "rank_window_size": %s}}""".formatted(lexical(text), knn(text, window), window),
                    window));
            assertFused(fused, expectedRrf(lists, 60, window), lists);
        }
    }

    private static ObjectPath search(RestClient client, String retriever, int size) throws IOException {
        return ObjectPath.createFromResponse(send(client, "POST", "/papers/_search", "{\"size\": " + size + ", \"retriever\": " + retriever + "}"));
    }

    private static Response send(RestClient client, String method, String path, String body) throws IOException {
        return HybridTestSupport.call(client, method, path, body);
    }
}

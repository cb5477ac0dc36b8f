package org.scimoe.elasticsearch;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.test.ESIntegTestCase.ClusterScope;
import org.elasticsearch.test.ESIntegTestCase.Scope;
import org.elasticsearch.test.rest.ObjectPath;

/**
 * Domain-routed bundles in a node, over HTTP: {@code domain_field} sends each document to its
 * domain's expert, a bad domain fails its document alone naming the field, a bad query domain is a
 * 400, and a bundle with a router routes texts that come without a domain and says where. The
 * bundles are real MiniLM graphs with per-domain experts ({@link RoutedTestBundles}).
 */
@ClusterScope(scope = Scope.SUITE, numDataNodes = 1, numClientNodes = 0, supportsDedicatedMasters = false)
public class ScimoeDomainRoutingRestTests extends ScimoeRestTestCase {
    private static final String DOMAIN_MOE = RoutedTestBundles.DOMAIN_MOE;
    private static final String ROUTER_MOE = RoutedTestBundles.ROUTER_MOE;
    private static final List<String> DOMAINS = RoutedTestBundles.DOMAINS;

    @Override
    protected List<Path> modelDirs() {
        return List.of(servedBundlesDir(), RoutedTestBundles.dir());
    }

    private static void pipeline(String name, String model, String domainField) throws IOException {
        call("PUT", "/_ingest/pipeline/" + name, """
                {"processors": [{"scimoe_embed": {"field": ["title", "text"], "model": "%s", %s "routing_field": "routing"}}]}"""
                .formatted(model, domainField == null ? "" : "\"domain_field\": \"" + domainField + "\","));
    }

    /** Indexes the documents in one bulk request; returns each document's failure reason (null: indexed). */
    private static Map<String, String> bulk(String pipeline, Map<String, Map<String, Object>> docs) throws IOException {
        StringBuilder body = new StringBuilder();
        docs.forEach((id, doc) -> body.append("{\"index\":{\"_id\":\"").append(id).append("\"}}\n").append(toJson(doc)).append('\n'));
        ObjectPath result = json("POST", "/routed/_bulk?refresh=true&pipeline=" + pipeline, body.toString());
        Map<String, String> failures = new LinkedHashMap<>();
        List<Object> items = result.evaluate("items");
        for (int i = 0; i < items.size(); i++) {
            failures.put(result.evaluate("items." + i + ".index._id"), result.evaluate("items." + i + ".index.error.reason"));
        }
        return failures;
    }

    private static Map<String, Object> routingOf(String id) throws IOException {
        return json("GET", "/routed/_doc/" + id, null).evaluate("_source.routing");
    }

    private static String firstHit(String model, String text, String domain) throws IOException {
        String builder = toJson(domain == null ? Map.of("model", model, "text", text) : Map.of("model", model, "text", text, "domain", domain));
        return json("POST", "/routed/_search", """
                {"knn": {"field": "embedding", "k": 3, "num_candidates": 20, "query_vector_builder": {"scimoe": %s}}}""".formatted(builder))
                .evaluate("hits.hits.0._id");
    }

    private static float[] embed(String model, String text, String domain) throws IOException {
        Map<String, Object> request = new LinkedHashMap<>(Map.of("model", model, "texts", List.of(text), "role", "query"));
        if (domain != null) {
            request.put("domain", domain);
        }
        List<Object> values = json("POST", "/_scimoe/_embed", toJson(request)).evaluate("embeddings.0.vector");
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = ((Number) values.get(i)).floatValue();
        }
        return vector;
    }

    private static double maxDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** The first words of a document: a query that must find that document. */
    private static String opening(Map<String, Object> doc) {
        String[] words = RoutedTestBundles.joined(doc).split("\\s+");
        return String.join(" ", List.of(words).subList(0, Math.min(16, words.length)));
    }

    public void testDomainFieldChoosesTheExpertAndBadDomainsFailAlone() throws IOException {
        call("PUT", "/routed", ScimoeSingleNodeRestTests.MAPPING);
        pipeline("by-domain", DOMAIN_MOE, "domain");
        List<Map<String, Object>> good = demoAbstracts(RoutedTestBundles.FIT_PER_DOMAIN, 2);
        Map<String, Map<String, Object>> docs = new LinkedHashMap<>();
        good.forEach(doc -> docs.put((String) doc.get("id"), doc));
        docs.put("bad-unknown", Map.of("text", "Serum cholesterol and coronary heart disease.", "domain", "astrology"));
        docs.put("bad-none", Map.of("text", "Serum cholesterol and coronary heart disease."));

        Map<String, String> failures = bulk("by-domain", docs);
        assertThat(failures.get("bad-unknown"), equalTo("scimoe_embed: domain_field [domain]: unknown domain 'astrology' for model '"
                + DOMAIN_MOE + "'; known domains: " + DOMAINS));
        assertThat(failures.get("bad-none"), equalTo("scimoe_embed: domain_field [domain]: model '" + DOMAIN_MOE
                + "' routes by domain and needs one of " + DOMAINS));
        for (Map<String, Object> doc : good) {
            String id = (String) doc.get("id");
            assertNull(id + " must be indexed", failures.get(id));
            Map<String, Object> routing = routingOf(id);
            assertThat(id, routing.get("domain"), equalTo(doc.get("domain")));
            assertThat(id, routing.get("expert"), equalTo(DOMAINS.indexOf((String) doc.get("domain"))));
        }
        assertThat(json("GET", "/routed/_count", null).evaluate("count"), equalTo(good.size()));

        // Queries name their domain; each domain's expert gives its own vector.
        Map<String, Object> medicine = good.stream().filter(d -> d.get("domain").equals("medicine")).findFirst().orElseThrow();
        assertThat(firstHit(DOMAIN_MOE, opening(medicine), "medicine"), equalTo(medicine.get("id")));
        String text = opening(medicine);
        assertThat(maxDiff(embed(DOMAIN_MOE, text, "medicine"), embed(DOMAIN_MOE, text, "aeronautics")), greaterThan(1e-3));
        assertThat(maxDiff(embed(DOMAIN_MOE, text, "medicine"), embed(DOMAIN_MOE, text, "medicine")), lessThan(1e-6));

        ResponseException unknown = failing("POST", "/routed/_search", """
                {"knn": {"field": "embedding", "k": 3, "num_candidates": 20,
                   "query_vector_builder": {"scimoe": {"model": "%s", "text": "heart disease", "domain": "astrology"}}}}""".formatted(DOMAIN_MOE));
        assertThat(unknown.getResponse().getStatusLine().getStatusCode(), equalTo(400));
        assertThat(body(unknown), containsString("unknown domain 'astrology' for model '" + DOMAIN_MOE + "'; known domains: " + DOMAINS));

        ResponseException none = failing("POST", "/routed/_search", """
                {"knn": {"field": "embedding", "k": 3, "num_candidates": 20,
                   "query_vector_builder": {"scimoe": {"model": "%s", "text": "heart disease"}}}}""".formatted(DOMAIN_MOE));
        assertThat(none.getResponse().getStatusLine().getStatusCode(), equalTo(400));
        assertThat(body(none), containsString("model '" + DOMAIN_MOE + "' routes by domain and needs one of " + DOMAINS));

        ResponseException pipelineDomain = failing("PUT", "/_ingest/pipeline/fixed", """
                {"processors": [{"scimoe_embed": {"field": "text", "model": "%s", "domain": "astrology"}}]}""".formatted(DOMAIN_MOE));
        assertThat(pipelineDomain.getResponse().getStatusLine().getStatusCode(), equalTo(400));
        assertThat(body(pipelineDomain), containsString("unknown domain 'astrology'"));
    }

    public void testRouterChoosesTheDomainOfTextsThatComeWithout() throws IOException {
        call("PUT", "/routed", ScimoeSingleNodeRestTests.MAPPING);
        pipeline("routed", ROUTER_MOE, null);
        pipeline("forced", ROUTER_MOE, "domain");
        // Held-out abstracts (not used to fit the router), indexed without their domain.
        List<Map<String, Object>> held = demoAbstracts(RoutedTestBundles.FIT_PER_DOMAIN, 3);
        Map<String, Map<String, Object>> docs = new LinkedHashMap<>();
        for (Map<String, Object> doc : held) {
            Map<String, Object> unlabelled = new LinkedHashMap<>(doc);
            unlabelled.put("label", unlabelled.remove("domain"));
            docs.put((String) doc.get("id"), unlabelled);
        }
        Map<String, String> failures = bulk("routed", docs);
        int right = 0;
        List<String> chosen = new ArrayList<>();
        for (Map<String, Object> doc : held) {
            String id = (String) doc.get("id");
            assertNull(id + " must be indexed", failures.get(id));
            Map<String, Object> routing = routingOf(id);
            String domain = (String) routing.get("domain");
            assertThat(id + " must say which domain the router chose", DOMAINS, hasItem(domain));
            assertThat(id, routing.get("expert"), equalTo(DOMAINS.indexOf(domain)));
            @SuppressWarnings("unchecked")
            List<Number> weights = (List<Number>) routing.get("gate_weights");
            assertThat(weights.size(), equalTo(DOMAINS.size()));
            assertEquals(1.0, weights.stream().mapToDouble(Number::doubleValue).sum(), 1e-3);
            chosen.add(id + "->" + domain);
            if (domain.equals(doc.get("domain"))) {
                right++;
            }
        }
        assertThat("router choices " + chosen, right, greaterThanOrEqualTo(held.size() * 3 / 4));

        // A domain given explicitly wins over the router, even a wrong one.
        Map<String, Object> medicine = held.stream().filter(d -> d.get("domain").equals("medicine")).findFirst().orElseThrow();
        Map<String, Object> mislabelled = new LinkedHashMap<>(medicine);
        mislabelled.put("domain", "aeronautics");
        assertThat(bulk("forced", Map.of("forced", mislabelled)).get("forced"), equalTo(null));
        assertThat(routingOf("forced").get("domain"), equalTo("aeronautics"));

        // A query without a domain: routed too; _embed says where, and equals the vector made with that domain named.
        String query = opening(medicine);
        ObjectPath routed = json("POST", "/_scimoe/_embed", toJson(Map.of("model", ROUTER_MOE, "texts", List.of(query), "role", "query")));
        String domain = routed.evaluate("embeddings.0.domain");
        assertThat(domain, equalTo("medicine"));
        assertThat(routed.evaluate("embeddings.0.expert"), equalTo(DOMAINS.indexOf("medicine")));
        assertThat(maxDiff(embed(ROUTER_MOE, query, null), embed(ROUTER_MOE, query, domain)), lessThan(1e-5));
        assertThat(firstHit(ROUTER_MOE, query, null), equalTo(medicine.get("id")));

        ResponseException unknown = failing("POST", "/_scimoe/_embed", toJson(Map.of("model", ROUTER_MOE, "texts", List.of(query),
                "domain", "astrology")));
        assertThat(unknown.getResponse().getStatusLine().getStatusCode(), equalTo(400));
        assertThat(body(unknown), containsString("unknown domain 'astrology' for model '" + ROUTER_MOE + "'"));
    }

    /** Both bundles are listed with their domains; the router bundle says it has one. */
    public void testModelsListTheRoutedBundles() throws IOException {
        ObjectPath models = json("GET", "/_scimoe/models", null);
        for (String name : List.of(DOMAIN_MOE, ROUTER_MOE)) {
            Map<String, Object> model = ScimoeSingleNodeRestTests.model(models, name);
            @SuppressWarnings("unchecked")
            Map<String, Object> routing = (Map<String, Object>) model.get("routing");
            assertThat(routing.get("mode"), equalTo("domain"));
            assertThat(routing.get("domains"), equalTo(DOMAINS));
            assertThat(routing.get("router"), equalTo(name.equals(ROUTER_MOE)));
            assertNull(routing.get("default_domain"));
        }
    }
}

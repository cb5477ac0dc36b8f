package org.scimoe.elasticsearch;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.http.client.config.RequestConfig;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.ResponseListener;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.test.ESIntegTestCase.ClusterScope;
import org.elasticsearch.test.ESIntegTestCase.Scope;
import org.elasticsearch.test.MockLog;
import org.elasticsearch.test.rest.ObjectPath;
import org.elasticsearch.transport.netty4.Netty4Plugin;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.scimoe.elasticsearch.model.BundleSources;

/**
 * Model lifecycle on a real node over HTTP: bundles are checked when the node starts (before any use),
 * a failed bundle is refused with its reason, {@code _reload} swaps a replaced bundle in without a
 * restart (running requests end on the old version, the query cache forgets the old vectors), an
 * operator's bundle overrides a built-in of the same name, and no error body carries a node path.
 * <p>
 * Reloaded bundles are symbolic links to the real MiniLM graphs: fp32 ({@code minilm-l6-v2}) and int8
 * ({@code minilm-l6-v2-q}) give the same text vectors that differ by about 1e-2, fp32 exactly
 * whatever the batch, so which version answered is visible in the vector.
 */
@ClusterScope(scope = Scope.SUITE, numDataNodes = 1, numClientNodes = 0, supportsDedicatedMasters = false)
public class ScimoeModelLifecycleRestTests extends ScimoeRestTestCase {
    private static final String TEXT = "transition of the laminar boundary layer on a swept wing";
    private static final Path ROOT = Path.of(System.getProperty("java.io.tmpdir")).resolve("scimoe-lifecycle").toAbsolutePath();
    private static final Path BUILT_IN = ROOT.resolve("built-in");
    private static final Path CONFIG = ROOT.resolve("config");
    private static final Path OPERATOR = ROOT.resolve("operator");

    /** For requests that run inference or load a model: this machine may be busy, the client's 30 s default is too short. */
    private static final RequestOptions SLOW = RequestOptions.DEFAULT.toBuilder()
            .setRequestConfig(RequestConfig.custom().setSocketTimeout(600_000).build()).build();

    private static MockLog startLog;
    private static final AtomicInteger overrideLines = new AtomicInteger();

    /** The plugin with its built-in bundles in a test folder instead of the installed plugin's models/. */
    public static class BuiltInTestPlugin extends ScimoePlugin {
        public BuiltInTestPlugin(Settings settings, Path configPath) {
            super(settings, configPath, BUILT_IN);
        }
    }

    @BeforeClass
    public static void writeBundles() throws IOException {
        deleteTree(ROOT);
        // Built in: "shadowed" (int8); the node's config/scimoe/models has a "shadowed" too (fp32), which must win.
        DerivedBundles.write("minilm-l6-v2-q", BUILT_IN, "shadowed", Map.of("version", "built-in"));
        DerivedBundles.write("minilm-l6-v2", CONFIG.resolve("scimoe").resolve("models"), "shadowed", Map.of("version", "operator"));
        // Broken in two ways the engine checks before first use: the graph's checksum, and graph vs manifest.
        DerivedBundles.write("minilm-l6-v2-q", OPERATOR, "damaged", Map.of("modelSha256", "0".repeat(64)));
        DerivedBundles.write("minilm-l6-v2-q", OPERATOR, "mismatched", Map.of("dimensions", 512));
        // Counts the override's log line from the node's start on.
        startLog = MockLog.capture(BundleSources.class);
        startLog.addExpectation(new MockLog.LoggingExpectation() {
            @Override
            public void match(LogEvent event) {
                String message = event.getMessage().getFormattedMessage();
                if (message.contains("[shadowed]") && message.contains("overrides the plugin's built-in bundle")) {
                    overrideLines.incrementAndGet();
                }
            }

            @Override
            public void assertMatched() {}
        });
    }

    @AfterClass
    public static void closeLog() {
        if (startLog != null) {
            startLog.assertAllExpectationsMatched();
            startLog.close();
            startLog = null;
        }
    }

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        return List.of(BuiltInTestPlugin.class, Netty4Plugin.class);
    }

    @Override
    protected Path nodeConfigPath(int nodeOrdinal) {
        return CONFIG;
    }

    @Override
    protected List<Path> modelDirs() {
        return List.of(servedBundlesDir(), brokenBundlesDir(), OPERATOR);
    }

    /** Before anything used them, the report says which bundles are sound and why the others are not. */
    public void testBundlesAreCheckedWhenTheNodeStarts() throws Exception {
        ObjectPath models = bundlesChecked();
        Map<String, Object> damaged = ScimoeSingleNodeRestTests.model(models, "damaged");
        assertThat(damaged.get("state"), equalTo("failed"));
        assertThat((String) damaged.get("failure"), containsString("is damaged or was replaced"));
        Map<String, Object> mismatched = ScimoeSingleNodeRestTests.model(models, "mismatched");
        assertThat(mismatched.get("state"), equalTo("failed"));
        assertThat((String) mismatched.get("failure"), containsString("384-dimensional but the manifest says dimensions 512"));
        Map<String, Object> broken = ScimoeSingleNodeRestTests.model(models, BrokenBundle.NAME);
        assertThat(broken.get("state"), equalTo("failed"));
        assertThat((String) broken.get("failure"), containsString("ORT_INVALID_PROTOBUF"));
        // Sound bundles are ready, not loaded: the check closes what it opened.
        Map<String, Object> int8 = ScimoeSingleNodeRestTests.model(models, "minilm-l6-v2-q");
        assertThat(int8.get("state"), equalTo("ready"));
        assertNull(int8.get("stats"));
        // Reasons name the bundle's folder by its setting, never by the node's path.
        assertThat((String) damaged.get("failure"), containsString("[scimoe.models.dirs[2]]/damaged/"));
        assertNoNodePaths(models.toString());
    }

    /** A pipeline, a query or an _embed naming a failed bundle is refused with its reason (400), without node paths. */
    public void testFailedBundleIsRefusedWithItsReason() throws Exception {
        bundlesChecked();
        call("PUT", "/vectors", """
                {"mappings": {"properties": {"embedding": {"type": "dense_vector", "dims": 384, "similarity": "cosine"}}}}""");
        for (String model : List.of("damaged", "mismatched", BrokenBundle.NAME)) {
            List<ResponseException> refused = List.of(
                    failing("PUT", "/_ingest/pipeline/p-" + model, """
                            {"processors": [{"scimoe_embed": {"field": "text", "model": "%s"}}]}""".formatted(model)),
                    failing("POST", "/vectors/_search", """
                            {"knn": {"field": "embedding", "k": 1, "num_candidates": 10,
                               "query_vector_builder": {"scimoe": {"model": "%s", "text": "anything"}}}}""".formatted(model)),
                    failing("POST", "/_scimoe/_embed", """
                            {"texts": ["anything"], "model": "%s"}""".formatted(model)));
            for (ResponseException e : refused) {
                assertThat(e.getResponse().getRequestLine() + ": " + body(e), e.getResponse().getStatusLine().getStatusCode(), equalTo(400));
                assertThat(body(e), containsString("model '" + model + "' failed to load: "));
                assertNoNodePaths(body(e));
            }
        }
        ResponseException unknown = failing("POST", "/_scimoe/_embed", "{\"texts\": [\"x\"], \"model\": \"no-such-model\"}");
        assertThat(body(unknown), containsString("unknown model 'no-such-model'; available: ["));
        assertNoNodePaths(body(unknown));
    }

    /** The operator's bundle of a built-in's name wins, the report says so, and the node logged it once. */
    public void testOperatorBundleOverridesTheBuiltIn() throws Exception {
        Map<String, Object> shadowed = ScimoeSingleNodeRestTests.model(bundlesChecked(), "shadowed");
        assertThat(shadowed.get("source"), equalTo("config/scimoe/models"));
        assertThat(shadowed.get("overrides"), equalTo("plugin"));
        assertThat(shadowed.get("version"), equalTo("operator"));
        assertThat(shadowed.get("model_sha256"), equalTo(DerivedBundles.sha256("minilm-l6-v2")));
        // It is the fp32 graph that answers, not the built-in int8 one.
        assertArrayEquals(queryVector("minilm-l6-v2", TEXT), queryVector("shadowed", TEXT), 1e-5f);
        assertThat(overrideLines.get(), equalTo(1));
    }

    /**
     * A bundle replaced on disk serves after _reload, without a restart; the query cache, which holds the
     * old version's vector of the same text under the same bundle name and version string, never answers with it.
     */
    public void testReloadServesTheReplacedBundleAndTheCacheForgetsTheOldVectors() throws Exception {
        DerivedBundles.write("minilm-l6-v2-q", OPERATOR, "swapped", Map.of("version", "1"));
        ObjectPath added = reload("swapped"); // not there at start: the reload adds it
        assertThat(reloadedModel(added).get("state"), equalTo("loaded"));
        float[] int8 = queryVector("swapped", TEXT);
        long hits = cacheHits();
        assertArrayEquals(int8, queryVector("swapped", TEXT), 0f);
        assertThat("the second look-up was a cache hit", cacheHits(), equalTo(hits + 1));

        DerivedBundles.write("minilm-l6-v2", OPERATOR, "swapped", Map.of("version", "1"));
        Map<String, Object> reloaded = reloadedModel(reload("swapped"));
        assertThat(reloaded.get("model_sha256"), equalTo(DerivedBundles.sha256("minilm-l6-v2")));
        assertThat(reloaded.get("version"), equalTo("1"));
        float[] fp32 = queryVector("swapped", TEXT);
        assertArrayEquals(queryVector("minilm-l6-v2", TEXT), fp32, 1e-5f);
        assertThat("the versions' vectors differ, so the test can tell them apart", maxDifference(int8, fp32), greaterThan(1e-3f));
    }

    /** A replacement that does not load leaves the loaded version serving, and says why; a never-loaded bundle just fails. */
    public void testFailedReloadKeepsTheLoadedVersion() throws Exception {
        DerivedBundles.write("minilm-l6-v2-q", OPERATOR, "kept", Map.of("version", "1"));
        reload("kept");
        float[] before = queryVector("kept", TEXT);

        DerivedBundles.write("minilm-l6-v2", OPERATOR, "kept", Map.of("version", "2", "modelSha256", "0".repeat(64)));
        ResponseException failed = failing("POST", "/_scimoe/models/kept/_reload", null);
        assertThat(failed.getResponse().getStatusLine().getStatusCode(), equalTo(400));
        assertThat(body(failed), containsString("model 'kept' failed to reload, version [1] keeps serving: "));
        assertThat(body(failed), containsString("is damaged or was replaced"));
        assertNoNodePaths(body(failed));

        Map<String, Object> kept = ScimoeSingleNodeRestTests.model(json("GET", "/_scimoe/models", null), "kept");
        assertThat(kept.get("state"), equalTo("loaded"));
        assertThat(kept.get("version"), equalTo("1"));
        assertThat((String) kept.get("reload_failure"), containsString("is damaged or was replaced"));
        assertArrayEquals(before, documentVectors("kept", List.of(TEXT)).get(0), 0f);

        DerivedBundles.write("minilm-l6-v2", OPERATOR, "never-loaded", Map.of("modelSha256", "0".repeat(64)));
        ResponseException fresh = failing("POST", "/_scimoe/models/never-loaded/_reload", null);
        assertThat(fresh.getResponse().getStatusLine().getStatusCode(), equalTo(400));
        assertThat(ScimoeSingleNodeRestTests.model(json("GET", "/_scimoe/models", null), "never-loaded").get("state"), equalTo("failed"));
        ResponseException pipeline = failing("PUT", "/_ingest/pipeline/never", """
                {"processors": [{"scimoe_embed": {"field": "text", "model": "never-loaded"}}]}""");
        assertThat(body(pipeline), containsString("model 'never-loaded' failed to load"));

        ResponseException unknown = failing("POST", "/_scimoe/models/no-such-model/_reload", null);
        assertThat(unknown.getResponse().getStatusLine().getStatusCode(), equalTo(400));
        assertThat(body(unknown), containsString("unknown model 'no-such-model'"));
    }

    /**
     * A request embedding when the reload happens finishes on the old version (fp32 vectors); the next
     * one gets the new version (int8). Without reference counting the old session would be closed under it.
     */
    public void testRunningRequestFinishesOnTheOldVersion() throws Exception {
        DerivedBundles.write("minilm-l6-v2", OPERATOR, "in-flight", Map.of("version", "1"));
        reload("in-flight");
        List<String> texts = new ArrayList<>();
        for (Map<String, Object> doc : demoAbstracts(10)) {
            texts.add((String) doc.get("text"));
        }
        float[] oldFirst = documentVectors("in-flight", List.of(texts.get(0))).get(0);

        Request big = new Request("POST", "/_scimoe/_embed");
        big.setJsonEntity(toJson(Map.of("texts", texts, "model", "in-flight")));
        big.setOptions(SLOW);
        CompletableFuture<Response> running = new CompletableFuture<>();
        getRestClient().performRequestAsync(big, new ResponseListener() {
            @Override
            public void onSuccess(Response response) {
                running.complete(response);
            }

            @Override
            public void onFailure(Exception exception) {
                running.completeExceptionally(exception);
            }
        });
        // Wait until the node is embedding them (or, on a fast machine, already done).
        assertBusy(() -> assertTrue(running.isDone() || inferenceActive() > 0), 300, TimeUnit.SECONDS);

        DerivedBundles.write("minilm-l6-v2-q", OPERATOR, "in-flight", Map.of("version", "2"));
        assertThat(reloadedModel(reload("in-flight")).get("version"), equalTo("2"));

        ObjectPath answer = ObjectPath.createFromResponse(running.get(600, TimeUnit.SECONDS));
        List<Object> embeddings = answer.evaluate("embeddings");
        assertThat(embeddings.size(), equalTo(texts.size()));
        assertArrayEquals("the running request ended on the old version", oldFirst, vector(answer, 0), 1e-5f);
        float[] newFirst = documentVectors("in-flight", List.of(texts.get(0))).get(0);
        assertThat("the next request runs on the new version", maxDifference(oldFirst, newFirst), greaterThan(1e-3f));
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static ObjectPath reload(String model) throws IOException {
        Request request = new Request("POST", "/_scimoe/models/" + model + "/_reload");
        request.setOptions(SLOW);
        ObjectPath r = ObjectPath.createFromResponse(getRestClient().performRequest(request));
        assertThat(r.evaluate("_nodes.successful"), equalTo(1));
        return r;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> reloadedModel(ObjectPath reload) throws IOException {
        Map<String, Object> nodes = reload.evaluate("nodes");
        return (Map<String, Object>) ((Map<String, Object>) nodes.values().iterator().next()).get("model");
    }

    private static float[] queryVector(String model, String text) throws IOException {
        return vector(json("POST", "/_scimoe/_embed", toJson(Map.of("texts", List.of(text), "model", model, "role", "query"))), 0);
    }

    private static List<float[]> documentVectors(String model, List<String> texts) throws IOException {
        ObjectPath r = json("POST", "/_scimoe/_embed", toJson(Map.of("texts", texts, "model", model)));
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            out.add(vector(r, i));
        }
        return out;
    }

    private static float[] vector(ObjectPath r, int i) throws IOException {
        List<Object> values = r.evaluate("embeddings." + i + ".vector");
        float[] v = new float[values.size()];
        for (int j = 0; j < v.length; j++) {
            v[j] = ((Number) values.get(j)).floatValue();
        }
        return v;
    }

    private static float maxDifference(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static long cacheHits() throws IOException {
        return ((Number) json("GET", "/_scimoe/models", null).evaluate("query_cache.hits")).longValue();
    }

    @SuppressWarnings("unchecked")
    private static int inferenceActive() throws IOException {
        Map<String, Object> nodes = json("GET", "/_nodes/stats/thread_pool", null).evaluate("nodes");
        Map<String, Object> pools = (Map<String, Object>) ((Map<String, Object>) nodes.values().iterator().next()).get("thread_pool");
        return ((Number) ((Map<String, Object>) pools.get("scimoe_inference")).get("active")).intValue();
    }

    /** Neither the test's folders (under the JVM's temp dir) nor the real bundles' folder appear in what the node said. */
    private static void assertNoNodePaths(String said) {
        for (Path p : List.of(ROOT, bundlesDir(), Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath())) {
            assertThat(said, not(containsString(p.toString())));
        }
        assertThat(said, not(containsString("/onnx-models/")));
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root) == false) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}

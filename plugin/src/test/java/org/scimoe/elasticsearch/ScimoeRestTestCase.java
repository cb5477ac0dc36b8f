package org.scimoe.elasticsearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.common.network.NetworkModule;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.test.ESIntegTestCase;
import org.elasticsearch.test.rest.ObjectPath;
import org.elasticsearch.transport.netty4.Netty4Plugin;
import org.elasticsearch.xcontent.XContentType;

/**
 * Real in-JVM nodes with the plugin, the real default bundle, real Netty transport and HTTP; tests talk
 * to the cluster over HTTP as users do. The bundle directory comes from {@code scimoe.bundles.dir}
 * (set by the root pom) through the node setting {@code scimoe.models.dirs}.
 */
public abstract class ScimoeRestTestCase extends ESIntegTestCase {

    static Path bundlesDir() {
        Path dir = Path.of(System.getProperty("scimoe.bundles.dir", "../onnx-models/target/bundles"));
        if (Files.isDirectory(dir.resolve("minilm-l6-v2")) == false) {
            throw new IllegalStateException("no bundle minilm-l6-v2 under " + dir.toAbsolutePath() + ": build onnx-models first (bin/test does)");
        }
        return dir.toAbsolutePath();
    }

    /**
     * The real bundles the tests use (MiniLM fp32 and int8), as links in a folder of their own: every node
     * checks each of its bundles when it starts, and the other real bundles (bge-small, SB-MoE) would only
     * add that work to every test node.
     */
    static synchronized Path servedBundlesDir() {
        Path dir = Path.of(System.getProperty("java.io.tmpdir")).resolve("scimoe-served-bundles").toAbsolutePath();
        try {
            Files.createDirectories(dir);
            for (String name : List.of(org.scimoe.bundle.BundleCatalog.DEFAULT_BUNDLE, "minilm-l6-v2", "minilm-l6-v2-q")) {
                Path link = dir.resolve(name);
                if (Files.exists(link) == false) {
                    Files.deleteIfExists(link);
                    Files.createSymbolicLink(link, bundlesDir().resolve(name));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot link the test bundles under " + dir, e);
        }
        return dir;
    }

    /** A directory with {@link BrokenBundle}, next to the test JVM's temp files (under target/). */
    static Path brokenBundlesDir() {
        return BrokenBundle.write(Path.of(System.getProperty("java.io.tmpdir")).resolve("scimoe-test-bundles").toAbsolutePath());
    }

    @Override
    protected boolean addMockHttpTransport() {
        return false;
    }

    @Override
    protected boolean addMockTransportService() {
        return false;
    }

    @Override
    protected boolean randomizeColumnarIdMode() {
        return false;
    }

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        return List.of(ScimoePlugin.class, Netty4Plugin.class);
    }

    @Override
    protected Settings nodeSettings(int nodeOrdinal, Settings otherSettings) {
        return Settings.builder()
                .put(super.nodeSettings(nodeOrdinal, otherSettings))
                .put(NetworkModule.TRANSPORT_TYPE_KEY, Netty4Plugin.NETTY_TRANSPORT_NAME)
                .put(NetworkModule.HTTP_TYPE_KEY, Netty4Plugin.NETTY_HTTP_TRANSPORT_NAME)
                .putList(ScimoeSettings.MODEL_DIRS.getKey(), modelDirs().stream().map(Path::toString).toList())
                .put(ScimoeSettings.DEVICE.getKey(), "cpu")
                .put(ScimoeSettings.THREADS.getKey(), 2)
                .build();
    }

    /** The bundle directories the nodes get through {@code scimoe.models.dirs}. */
    protected List<Path> modelDirs() {
        return List.of(servedBundlesDir(), brokenBundlesDir());
    }

    /**
     * Waits until the node's start-up check of its bundles is over (no bundle is {@code validating}) and
     * returns {@code _scimoe/models}. Waits for a state, asserts nothing about time.
     */
    static ObjectPath bundlesChecked() throws Exception {
        ObjectPath[] models = new ObjectPath[1];
        assertBusy(() -> {
            models[0] = json("GET", "/_scimoe/models", null);
            List<Object> all = models[0].evaluate("models");
            for (Object m : all) {
                assertNotEquals("still validating: " + m, "validating", ((Map<?, ?>) m).get("state"));
            }
        }, 300, TimeUnit.SECONDS);
        return models[0];
    }

    // ---- HTTP helpers -------------------------------------------------------------------------

    static Response call(String method, String path, String jsonBody) throws IOException {
        Request request = new Request(method, path);
        if (jsonBody != null) {
            request.setJsonEntity(jsonBody);
        }
        return getRestClient().performRequest(request);
    }

    static ObjectPath json(String method, String path, String jsonBody) throws IOException {
        return ObjectPath.createFromResponse(call(method, path, jsonBody));
    }

    /** The error response of a call that must fail; returns status and body. */
    static ResponseException failing(String method, String path, String jsonBody) {
        return expectThrows(ResponseException.class, () -> call(method, path, jsonBody));
    }

    static String body(ResponseException e) throws IOException {
        return new String(e.getResponse().getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
    }

    static String toJson(Map<String, ?> map) {
        try {
            return XContentHelper.convertToJson(
                    org.elasticsearch.common.bytes.BytesReference.bytes(
                            org.elasticsearch.xcontent.XContentFactory.jsonBuilder().map(map)), false, XContentType.JSON);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first {@code perDomain} abstracts of each domain in demo/abstracts.jsonl. */
    static List<Map<String, Object>> demoAbstracts(int perDomain) throws IOException {
        return demoAbstracts(0, perDomain);
    }

    /** Of each domain in demo/abstracts.jsonl, {@code perDomain} abstracts after the first {@code skip}. */
    static List<Map<String, Object>> demoAbstracts(int skip, int perDomain) throws IOException {
        Path file = bundlesDir().getParent().getParent().getParent().resolve("demo").resolve("abstracts.jsonl");
        Map<String, Integer> counts = new LinkedHashMap<>();
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> doc = XContentHelper.convertToMap(XContentType.JSON.xContent(), line, true);
            String domain = (String) doc.get("domain");
            int n = counts.merge(domain, 1, Integer::sum);
            if (n > skip && n <= skip + perDomain) {
                out.add(doc);
            }
        }
        return out;
    }
}

package org.scimoe.elasticsearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.scimoe.bundle.BundleCatalog;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.embed.DocumentText;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.Role;
import org.scimoe.runtime.DeviceRequest;
import org.scimoe.training.export.BundleExporter;
import org.scimoe.training.export.MoeExports;
import org.scimoe.training.onnx.BertGraph;
import org.scimoe.training.onnx.DomainRouter;
import org.scimoe.training.onnx.FfnWeights;
import org.scimoe.training.onnx.FloatTensor;
import org.scimoe.training.onnx.OnnxGraph;

/**
 * Two small domain-routed bundles made with the trainer's export code from the real MiniLM bundle, for
 * the plugin's routing tests: layer 3's FFN becomes one expert per demo domain (the pretrained FFN
 * plus seeded noise, as training would move it).
 * <ul>
 *   <li>{@value #DOMAIN_MOE}: no router, no default domain — every text needs a domain;</li>
 *   <li>{@value #ROUTER_MOE}: the same experts plus a nearest-centroid router fitted on the states
 *       entering layer 3 of the first {@value #FIT_PER_DOMAIN} demo abstracts of each domain — a text
 *       without a domain is routed inside the graph, and the bundle says which domain it chose.</li>
 * </ul>
 * Written once per test JVM under the JVM's temp dir (target/), in about 10 s.
 */
final class RoutedTestBundles {
    static final String DOMAIN_MOE = "test-domain-moe";
    static final String ROUTER_MOE = "test-router-moe";
    static final List<String> DOMAINS = List.of("aeronautics", "medicine", "information-science", "computing");
    static final int LAYER = 3;
    /** The demo abstracts of each domain the router is fitted on; tests use the ones after them. */
    static final int FIT_PER_DOMAIN = 8;

    private static Path written;

    private RoutedTestBundles() {}

    /** The directory holding both bundles (written on the first call). */
    static synchronized Path dir() {
        if (written == null) {
            Path root = Path.of(System.getProperty("java.io.tmpdir")).resolve("scimoe-routed-bundles").toAbsolutePath();
            deleteTree(root);
            write(root);
            written = root;
        }
        return written;
    }

    private static void write(Path root) {
        ModelBundle base = BundleCatalog.scan(List.of(ScimoeRestTestCase.bundlesDir())).get("minilm-l6-v2");
        FfnWeights pretrained = new BertGraph(OnnxGraph.read(base.modelPath())).ffn(LAYER);
        List<FfnWeights> experts = new ArrayList<>();
        for (int d = 0; d < DOMAINS.size(); d++) {
            experts.add(perturbed(pretrained, 40 + d));
        }
        MoeExports.domainRouted(base, DOMAINS, null, Map.of(LAYER, experts), null,
                new BundleExporter.Spec(DOMAIN_MOE, "0.0.1", "test: one expert per demo domain at layer 3, no router", null),
                root.resolve(DOMAIN_MOE));
        MoeExports.domainRouted(base, DOMAINS, null, Map.of(LAYER, experts), fitRouter(base, root.resolve("probe")),
                new BundleExporter.Spec(ROUTER_MOE, "0.0.1", "test: one expert per demo domain at layer 3, nearest-centroid router", null),
                root.resolve(ROUTER_MOE));
        deleteTree(root.resolve("probe")); // not a bundle the nodes should list
    }

    private static DomainRouter fitRouter(ModelBundle base, Path probeDir) {
        List<String> texts = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try {
            for (Map<String, Object> doc : ScimoeRestTestCase.demoAbstracts(FIT_PER_DOMAIN)) {
                texts.add(joined(doc));
                labels.add(DOMAINS.indexOf((String) doc.get("domain")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ModelBundle probe = MoeExports.layerInputProbe(base, LAYER, probeDir);
        List<float[]> vectors;
        try (OnnxEncoder encoder = OnnxEncoder.load(probe, EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU).withThreads(2))) {
            vectors = encoder.embed(texts.stream().map(EmbedInput::of).toList(), Role.DOCUMENT).stream().map(Embedding::vector).toList();
        }
        return DomainRouter.nearestCentroid(vectors, labels.stream().mapToInt(Integer::intValue).toArray(), DOMAINS.size(), 20f);
    }

    /** The text the pipeline embeds for a demo abstract (fields title, text). */
    static String joined(Map<String, Object> doc) {
        return DocumentText.of((String) doc.get("title"), (String) doc.get("text"));
    }

    /** The pretrained FFN plus seeded Gaussian noise (~5 % of the weights' scale). */
    private static FfnWeights perturbed(FfnWeights w, int seed) {
        Random random = new Random(seed);
        FfnWeights copy = w.copy();
        for (FloatTensor t : List.of(copy.w1(), copy.w2(), copy.b1())) {
            float[] v = t.values();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (random.nextGaussian() * 0.005);
            }
        }
        return copy;
    }

    private static void deleteTree(Path root) {
        if (Files.exists(root) == false) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + root, e);
        }
    }
}

package org.scimoe.training.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.Routing.GatePooling;
import org.scimoe.cli.ModelOptions;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.io.AbstractsFile;
import org.scimoe.lucene.AbstractDoc;
import org.scimoe.runtime.DeviceRequest;
import org.scimoe.training.export.BundleExporter;
import org.scimoe.training.export.MoeExports;
import org.scimoe.training.onnx.BertGraph;
import org.scimoe.training.onnx.DomainRouter;
import org.scimoe.training.onnx.FfnWeights;
import org.scimoe.training.onnx.FloatTensor;
import org.scimoe.training.onnx.OnnxGraph;
import org.scimoe.training.onnx.SbMoeHead;
import org.scimoe.training.report.ThroughputRounds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the MoE designs cost at inference, against the base encoder, in one process. Method: each
 * variant is exported from the base bundle (experts copied from the pretrained FFN: the cost does
 * not depend on trained values); every round embeds all abstracts with every variant through the
 * engine (each text with its own domain, so domain-routed bundles batch per expert as in use), the
 * order of variants rotating from round to round; medians over rounds, and the ratio to the base.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Inference cost of the MoE designs (domain-routed one layer / all layers / with router, SB-MoE) against the base encoder.")
final class MoeCostCommand implements Callable<Integer> {
    @Option(names = "--abstracts", description = "JSONL abstracts with a domain each (default: the demo set)")
    Path abstracts;

    @Option(names = "--rounds", defaultValue = "5")
    int rounds;

    @Option(names = "--work", description = "where the variant bundles are written (default: training/target/bench-bundles)")
    Path work;

    @Mixin
    ModelOptions models;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("scimoe.home", "."));
        List<AbstractDoc> docs = AbstractsFile.readAll(abstracts != null ? abstracts : home.resolve("demo/abstracts.jsonl"));
        List<String> domains = docs.stream().map(AbstractDoc::domain).distinct().sorted().toList();
        if (domains.contains(null) || domains.size() < 2) {
            throw new IllegalArgumentException("the abstracts need a domain each, and at least two domains");
        }
        Path dir = Files.createDirectories(work != null ? work : home.resolve("training/target/bench-bundles"));
        models.defaultTo(spec, org.scimoe.bundle.BundleCatalog.DEFAULT_BASE);
        ModelBundle base = models.catalog().get(models.model);
        Map<String, ModelBundle> variants = variants(base, domains, dir);
        List<EmbedInput> labelled = docs.stream().map(d -> new EmbedInput(d.embeddingText(), d.domain())).toList();
        List<EmbedInput> unlabelled = docs.stream().map(d -> EmbedInput.of(d.embeddingText())).toList();

        EncoderOptions options = EncoderOptions.DEFAULTS.withDevice(DeviceRequest.parse(models.device)).withThreads(models.threads);
        Map<String, OnnxEncoder> encoders = new LinkedHashMap<>();
        Map<String, Double> rates;
        try {
            for (var v : variants.entrySet()) {
                encoders.put(v.getKey(), OnnxEncoder.load(v.getValue(), options));
            }
            rates = ThroughputRounds.medianDocsPerSecond(encoders, name -> inputsFor(name, labelled, unlabelled), rounds);
        } finally {
            encoders.values().forEach(OnnxEncoder::close);
        }
        var out = spec.commandLine().getOut();
        out.printf("%d abstracts, %d domains, %d rounds, device %s, %d cores%n", docs.size(), domains.size(), rounds, models.device,
                Runtime.getRuntime().availableProcessors());
        double baseRate = rates.get("base");
        out.printf("%-34s %12s %10s %14s%n", "variant", "docs/s", "vs base", "graph MB");
        for (var e : rates.entrySet()) {
            double m = e.getValue();
            out.printf(Locale.ROOT, "%-34s %12.1f %10.3f %14.1f%n", e.getKey(), m, m / baseRate,
                    Files.size(variants.get(e.getKey()).modelPath()) / 1e6);
        }
        return 0;
    }

    private static List<EmbedInput> inputsFor(String variant, List<EmbedInput> labelled, List<EmbedInput> unlabelled) {
        return variant.contains("router") ? unlabelled : labelled;
    }

    private static Map<String, ModelBundle> variants(ModelBundle base, List<String> domains, Path dir) {
        BertGraph bert = new BertGraph(OnnxGraph.read(base.modelPath()));
        int middle = bert.layers() / 2;
        Map<String, ModelBundle> v = new LinkedHashMap<>();
        v.put("base", base);
        v.put("domain-routed, layer " + middle, MoeExports.domainRouted(base, domains, null, Map.of(middle, copies(bert.ffn(middle), domains.size())),
                null, spec("domain-layer"), dir.resolve("domain-layer")));
        Map<Integer, List<FfnWeights>> all = new LinkedHashMap<>();
        for (int layer = 0; layer < bert.layers(); layer++) {
            all.put(layer, copies(bert.ffn(layer), domains.size()));
        }
        v.put("domain-routed, all layers", MoeExports.domainRouted(base, domains, null, all, null, spec("domain-all"), dir.resolve("domain-all")));
        int d = base.manifest().dimensions();
        FloatTensor routerWeight = FloatTensor.zeros(d, domains.size());
        v.put("domain-routed, layer " + middle + " + router", MoeExports.domainRouted(base, domains, null,
                Map.of(middle, copies(bert.ffn(middle), domains.size())), new DomainRouter(routerWeight, FloatTensor.zeros(domains.size())),
                spec("domain-router"), dir.resolve("domain-router")));
        for (int n : new int[] {4, 8}) {
            for (GatePooling p : GatePooling.values()) {
                List<FfnWeights> experts = new ArrayList<>();
                for (int e = 0; e < n; e++) {
                    experts.add(new FfnWeights(FloatTensor.zeros(d, d), FloatTensor.zeros(d), FloatTensor.zeros(d, d), FloatTensor.zeros(d)));
                }
                SbMoeHead head = new SbMoeHead(FloatTensor.zeros(d, n), FloatTensor.zeros(n), experts, p, true);
                String name = "sb-moe-" + n + "-" + p.name().toLowerCase(Locale.ROOT);
                v.put("SB-MoE N=" + n + " " + p.name(), MoeExports.sbMoe(base, head, spec(name), dir.resolve(name)));
            }
        }
        return v;
    }

    private static List<FfnWeights> copies(FfnWeights w, int n) {
        List<FfnWeights> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(w.copy());
        }
        return list;
    }

    private static BundleExporter.Spec spec(String name) {
        return new BundleExporter.Spec("bench-" + name, "0", "inference-cost variant", null);
    }
}

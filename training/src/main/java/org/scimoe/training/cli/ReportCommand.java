package org.scimoe.training.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.scimoe.bundle.BundleCatalog;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.Routing;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.Role;
import org.scimoe.lucene.AbstractDoc;
import org.scimoe.runtime.DeviceRequest;
import org.scimoe.training.pairs.LabelledPair;
import org.scimoe.training.pairs.PairDataset;
import org.scimoe.training.pairs.Split;
import org.scimoe.training.report.Charts;
import org.scimoe.training.report.RunResults;
import org.scimoe.training.report.ThroughputRounds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Tables (markdown) and PNG plots from the experiment runs: F1max per domain, nDCG@10 and R@100 per
 * collection, parameters and training cost, training loss, and expert usage — which expert the gate
 * (SB-MoE) or the domain router picks for test documents of each domain, given no domain.
 */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Tables and PNG plots from experiment runs.")
final class ReportCommand implements Callable<Integer> {
    static final List<String> DOMAINS = List.of("physics", "computing", "aeronautics", "medicine", "information-science");
    /** Retrieval sets (ndcg-KEY.json in a run) and their column titles: citation prediction, then the classic collections. */
    static final Map<String, String> COLLECTIONS = orderedMap("cite-physics", "hep-th cite", "cite-computing", "CACM cite",
            "cite-computing-citeseer", "CiteSeer cite", "aeronautics", "Cranfield", "medicine", "MEDLINE", "information-science", "CISI",
            "computing", "CACM");

    @Option(names = "--runs", defaultValue = "training/target/experiments/runs")
    Path runs;

    @Option(names = "--pairs", defaultValue = "training/target/experiments/pairs", description = "for the usage plots' test documents")
    Path pairs;

    @Option(names = "--out", defaultValue = "training/results")
    Path out;

    @Option(names = "--usage-docs", defaultValue = "100", description = "test documents per domain for the usage plots")
    int usageDocs;

    @Option(names = "--speed-docs", defaultValue = "200", description = "test documents embedded per model for the speed column (0: skip)")
    int speedDocs;

    @Option(names = "--speed-rounds", defaultValue = "3")
    int speedRounds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<RunResults> results = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(runs)) {
            dirs.filter(d -> Files.isRegularFile(d.resolve("summary.json"))).sorted(ReportCommand::byExperimentOrder)
                    .forEach(d -> results.add(RunResults.read(d)));
        }
        Files.createDirectories(out);
        StringBuilder md = new StringBuilder();
        List<String> all = new ArrayList<>(DOMAINS);
        all.add("All");
        table(md, "F1max on the labelled test pairs (best F1 over cosine thresholds)", results, all, RunResults::f1max, "base");
        List<String> sets = new ArrayList<>(COLLECTIONS.keySet());
        List<String> titles = new ArrayList<>(COLLECTIONS.values());
        table(md, "nDCG@10 (kNN): citation prediction (held-out citing papers) and each collection's held-out queries", results, sets,
                RunResults::ndcg, "base", titles);
        table(md, "Recall@100 (kNN), the same queries", results, sets, RunResults::recall, "base", titles);
        cost(md, results, speed(results));
        Files.writeString(out.resolve("tables.md"), md.toString());

        Map<String, List<double[]>> curves = new LinkedHashMap<>();
        results.stream().filter(r -> !r.loss().isEmpty()).forEach(r -> curves.put(r.name(), r.smoothedLoss(10)));
        Charts.lines(out.resolve("loss.png"), "Training loss (MNR, mean of 10 steps)", "step", "loss", curves);
        Charts.bars(out.resolve("f1max.png"), "F1max per domain", "F1max", all, series(results, all, RunResults::f1max), 0.6);
        Charts.bars(out.resolve("ndcg.png"), "nDCG@10 (kNN), held-out queries", "nDCG@10", sets, series(results, sets, RunResults::ndcg), 0.0);
        Map<String, List<double[]>> valid = new LinkedHashMap<>();
        results.forEach(r -> r.validLoss().forEach((domain, points) -> valid.put(r.name() + " " + domain, points)));
        if (!valid.isEmpty()) {
            Charts.lines(out.resolve("valid-loss.png"), "Validation loss (MNR on fixed validation batches)", "step", "loss", valid);
        }
        usage(results);
        spec.commandLine().getOut().print(md);
        spec.commandLine().getOut().println("plots in " + out);
        return 0;
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static int byExperimentOrder(Path a, Path b) {
        return Integer.compare(rank(a.getFileName().toString()), rank(b.getFileName().toString())) * 1000
                + a.getFileName().toString().compareTo(b.getFileName().toString());
    }

    private static int rank(String name) {
        return name.equals("base") ? 0 : name.startsWith("shared") ? 1 : name.startsWith("domain") ? 2 : 3;
    }

    private static Map<String, Map<String, Double>> series(List<RunResults> results, List<String> columns,
                                                           java.util.function.BiFunction<RunResults, String, Double> metric) {
        Map<String, Map<String, Double>> s = new LinkedHashMap<>();
        for (RunResults r : results) {
            Map<String, Double> values = new LinkedHashMap<>();
            columns.forEach(c -> values.put(c, metric.apply(r, c)));
            s.put(r.name(), values);
        }
        return s;
    }

    private static void table(StringBuilder md, String title, List<RunResults> results, List<String> columns,
                              java.util.function.BiFunction<RunResults, String, Double> metric, String baseline) {
        table(md, title, results, columns, metric, baseline, columns);
    }

    private static void table(StringBuilder md, String title, List<RunResults> results, List<String> columns,
                              java.util.function.BiFunction<RunResults, String, Double> metric, String baseline, List<String> headers) {
        md.append("### ").append(title).append("\n\n| variant |");
        headers.forEach(h -> md.append(' ').append(h).append(" |"));
        md.append("\n|---|");
        headers.forEach(h -> md.append("---:|"));
        md.append('\n');
        RunResults base = results.stream().filter(r -> r.name().equals(baseline)).findFirst().orElse(null);
        for (RunResults r : results) {
            md.append("| ").append(r.name()).append(" |");
            for (String c : columns) {
                double v = metric.apply(r, c);
                md.append(' ').append(Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.4f", v));
                if (base != null && r != base && !Double.isNaN(v)) {
                    md.append(String.format(Locale.ROOT, " (%+.3f)", v - metric.apply(base, c)));
                }
                md.append(" |");
            }
            md.append('\n');
        }
        md.append("\n(in brackets: difference to ").append(baseline).append(")\n\n");
    }

    private static void cost(StringBuilder md, List<RunResults> results, Map<String, Double> speed) {
        md.append("### Size, training cost and embedding speed\n\n| variant | parameters | trained | updates | train time (s) | examples/s | final loss | router accuracy | embed docs/s | vs base |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Double baseSpeed = speed.get("base");
        for (RunResults r : results) {
            var s = r.summary();
            Double docsPerSecond = speed.get(r.name());
            md.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.name(), s.path("parameters").asLong(),
                    s.has("trainableParameters") ? String.format(Locale.ROOT, "%,d", s.path("trainableParameters").asLong()) : "–",
                    s.has("updates") ? s.path("updates").asText() : "–",
                    s.has("trainSeconds") ? String.format(Locale.ROOT, "%.0f", s.path("trainSeconds").asDouble()) : "–",
                    s.has("examplesPerSecond") ? String.format(Locale.ROOT, "%.1f", s.path("examplesPerSecond").asDouble()) : "–",
                    s.has("lastEpochMeanLoss") ? String.format(Locale.ROOT, "%.3f", s.path("lastEpochMeanLoss").asDouble()) : "–",
                    s.has("routerAccuracy") ? String.format(Locale.ROOT, "%.1f%%", 100 * s.path("routerAccuracy").asDouble()) : "–",
                    docsPerSecond == null ? "–" : String.format(Locale.ROOT, "%.1f", docsPerSecond),
                    docsPerSecond == null || baseSpeed == null ? "–" : String.format(Locale.ROOT, "%.2f", docsPerSecond / baseSpeed)));
        }
        md.append("\nEmbedding speed: the same ").append("test documents (title + abstract, up to 256 tokens) through the engine, every model ")
                .append("in each round, rounds rotating the order, median docs/s; domain-routed models get each document's domain.\n\n");
    }

    /** Median docs/s of each run's bundle (and the base) on the same test documents, in one process, rotating order. */
    private Map<String, Double> speed(List<RunResults> results) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (speedDocs <= 0) {
            return out;
        }
        PairDataset data = PairDataset.read(pairs);
        List<EmbedInput> inputs = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (LabelledPair p : data.labelled().get(Split.TEST)) {
            if (inputs.size() < speedDocs && seen.add(p.a())) {
                inputs.add(new EmbedInput(data.docs().get(p.a()).embeddingText(), p.domain()));
            }
        }
        Map<String, OnnxEncoder> encoders = new LinkedHashMap<>();
        EncoderOptions options = EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU);
        try {
            for (RunResults r : results) {
                Path bundles = r.dir().resolve("bundle");
                List<Path> roots = Files.isDirectory(bundles) ? List.of(bundles) : List.of(Path.of(System.getProperty("scimoe.bundles.dir", "onnx-models/target/bundles")));
                BundleCatalog catalog = BundleCatalog.scan(roots);
                ModelBundle bundle = Files.isDirectory(bundles) ? catalog.bundles().get(0) : catalog.get(null);
                encoders.put(r.name(), OnnxEncoder.load(bundle, options));
            }
            out.putAll(ThroughputRounds.medianDocsPerSecond(encoders, name -> inputs, speedRounds));
        } finally {
            encoders.values().forEach(OnnxEncoder::close);
        }
        return out;
    }

    /** Which expert the gate or the router picks, without a domain given, for test documents of each domain. */
    private void usage(List<RunResults> results) {
        PairDataset data = PairDataset.read(pairs);
        Map<String, List<AbstractDoc>> sample = new TreeMap<>();
        for (LabelledPair p : data.labelled().get(Split.TEST)) {
            List<AbstractDoc> list = sample.computeIfAbsent(p.domain(), d -> new ArrayList<>());
            AbstractDoc doc = data.docs().get(p.a());
            if (list.size() < usageDocs && !list.contains(doc)) {
                list.add(doc);
            }
        }
        EncoderOptions options = EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU);
        for (RunResults r : results) {
            Path bundles = r.dir().resolve("bundle");
            if (!Files.isDirectory(bundles)) {
                continue;
            }
            for (ModelBundle bundle : BundleCatalog.scan(List.of(bundles)).bundles()) {
                Routing routing = bundle.manifest().routing();
                boolean chooses = routing.mode() == Routing.Mode.GATE || routing.routerOutput() != null;
                if (!chooses) {
                    continue;
                }
                int experts = routing.mode() == Routing.Mode.GATE ? routing.experts() : routing.domainNames().size();
                Map<String, Map<String, Double>> share = new LinkedHashMap<>();
                try (OnnxEncoder encoder = OnnxEncoder.load(bundle, options)) {
                    for (String domain : DOMAINS) {
                        List<AbstractDoc> docs = sample.getOrDefault(domain, List.of());
                        if (docs.isEmpty()) {
                            continue;
                        }
                        List<Embedding> e = encoder.embed(docs.stream().map(d -> EmbedInput.of(d.embeddingText())).toList(), Role.DOCUMENT);
                        for (int x = 0; x < experts; x++) {
                            String label = routing.mode() == Routing.Mode.GATE ? "expert " + x : routing.domainNames().get(x);
                            final int expert = x;
                            share.computeIfAbsent(label, k -> new LinkedHashMap<>())
                                    .put(domain, e.stream().filter(v -> v.expert() == expert).count() / (double) e.size());
                        }
                    }
                }
                String what = routing.mode() == Routing.Mode.GATE ? "gate's TOP-1 expert" : "domain router's choice";
                Charts.bars(out.resolve("usage-" + r.name() + ".png"), r.name() + ": " + what + " per true domain (share of test documents)",
                        "share", DOMAINS, share, 0.0);
            }
        }
    }
}

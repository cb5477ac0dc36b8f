package org.scimoe.training.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.scimoe.cli.ModelOptions;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.io.InputException;
import org.scimoe.training.eval.PairEvaluation;
import org.scimoe.training.eval.PairMetrics;
import org.scimoe.training.pairs.LabelledPair;
import org.scimoe.training.pairs.PairDataset;
import org.scimoe.training.pairs.Split;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The seed paper's pair metrics for one bundle on a pairs directory's labelled pairs, per domain and All. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "F1max (with its threshold), precision/recall, accuracy, ROC-AUC and mean cosines on labelled pairs, per domain and All.")
final class PairEvalCommand implements Callable<Integer> {
    @Option(names = "--pairs", required = true, description = "a pairs directory (scimoe-train pairs)")
    Path pairs;

    @Option(names = "--split", defaultValue = "test", description = "valid or test (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--json", description = "one JSON object on stdout: {domain: {f1max, threshold, ...}}")
    boolean json;

    @Mixin
    ModelOptions models;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        models.defaultTo(spec, org.scimoe.bundle.BundleCatalog.DEFAULT_BASE);
        Split s = Split.valueOf(split.toUpperCase(Locale.ROOT));
        if (s == Split.TRAIN) {
            throw new InputException("--split: labelled pairs exist for valid and test only");
        }
        PairDataset data = PairDataset.read(pairs);
        List<LabelledPair> labelled = data.labelled().get(s);
        if (labelled.isEmpty()) {
            throw new InputException(pairs + ": no labelled " + split + " pairs");
        }
        Map<String, PairMetrics> result;
        try (OnnxEncoder encoder = models.open()) {
            result = PairEvaluation.evaluate(encoder, labelled, data.docs());
        }
        var out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode root = mapper.createObjectNode();
            result.forEach((domain, m) -> root.set(domain, toJson(mapper, m)));
            out.println(mapper.writeValueAsString(root));
            return 0;
        }
        out.printf("model %s, %s pairs of %s%n", models.model, split, pairs);
        out.printf("%-20s %6s %6s %7s %9s %9s %7s %8s %7s %8s %8s %6s%n", "domain", "pos", "neg", "F1max", "threshold", "precision",
                "recall", "accuracy", "ROC-AUC", "mean+", "mean-", "ratio");
        result.forEach((domain, m) -> out.printf(Locale.ROOT, "%-20s %6d %6d %7.4f %9.4f %9.4f %7.4f %8.4f %7.4f %8.4f %8.4f %6.3f%n",
                domain, m.positives(), m.negatives(), m.f1max(), m.threshold(), m.precision(), m.recall(), m.accuracy(), m.rocAuc(),
                m.meanPositive(), m.meanNegative(), m.ratio()));
        return 0;
    }

    static ObjectNode toJson(ObjectMapper mapper, PairMetrics m) {
        return mapper.createObjectNode().put("positives", m.positives()).put("negatives", m.negatives())
                .put("f1max", round(m.f1max())).put("threshold", round(m.threshold())).put("precision", round(m.precision()))
                .put("recall", round(m.recall())).put("accuracy", round(m.accuracy())).put("rocAuc", round(m.rocAuc()))
                .put("meanPositive", round(m.meanPositive())).put("meanNegative", round(m.meanNegative())).put("ratio", round(m.ratio()));
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}

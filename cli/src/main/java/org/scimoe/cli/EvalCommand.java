package org.scimoe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.eval.BeirCollection;
import org.scimoe.eval.ModeScores;
import org.scimoe.eval.RetrievalEvaluator;
import org.scimoe.lucene.SearchMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate knn, bm25 and hybrid search on a BEIR-layout directory (corpus.jsonl, queries.jsonl, qrels/test.tsv): "
                + "nDCG@10, Recall@100, MRR@10. Documents are embedded as title + text.")
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "BEIR-layout directory")
    Path dir;

    @Option(names = "--mode", split = ",", description = "modes to evaluate: knn, bm25, hybrid (default: all)")
    String[] modes;

    @Option(names = "--qrels", description = "judgments file (default: <dir>/qrels/test.tsv)")
    Path qrels;

    @Option(names = "--domain", description = "domain to route documents and queries to (domain-routed bundles)")
    String domain;

    @Option(names = "--json", description = "print one JSON object: {mode: {ndcg@10, recall@100, mrr@10}}")
    boolean json;

    @Mixin
    ModelOptions models;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Set<SearchMode> selected = EnumSet.noneOf(SearchMode.class);
        if (modes == null) {
            selected = EnumSet.allOf(SearchMode.class);
        } else {
            for (String m : modes) {
                selected.add(SearchMode.parse(m));
            }
        }
        BeirCollection collection = qrels == null ? BeirCollection.load(dir) : BeirCollection.load(dir, qrels);
        var out = spec.commandLine().getOut();
        if (!collection.skipped().isEmpty()) {
            spec.commandLine().getErr().printf("left out %d corpus lines, first: %s%n", collection.skipped().size(), collection.skipped().get(0));
        }
        try (OnnxEncoder encoder = models.open()) {
            Progress progress = json ? null : new Progress(System.err, collection.corpus().size());
            Map<SearchMode, ModeScores> scores = new RetrievalEvaluator(encoder, domain).evaluate(collection, selected,
                    progress == null ? n -> { } : progress);
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode root = mapper.createObjectNode();
                scores.forEach((mode, s) -> root.putObject(mode.label())
                        .put("ndcg@10", round(s.ndcgAt10())).put("recall@100", round(s.recallAt100())).put("mrr@10", round(s.mrrAt10())));
                out.println(mapper.writeValueAsString(root));
            } else {
                out.printf("%s: %d documents, %d judged queries, model %s%n", collection.name(), collection.corpus().size(),
                        scores.values().iterator().next().queries(), encoder.manifest().name());
                out.printf("%-8s %8s %11s %7s%n", "mode", "nDCG@10", "Recall@100", "MRR@10");
                scores.forEach((mode, s) -> out.printf("%-8s %8.4f %11.4f %7.4f%n", mode.label(), s.ndcgAt10(), s.recallAt100(), s.mrrAt10()));
            }
            out.flush();
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}

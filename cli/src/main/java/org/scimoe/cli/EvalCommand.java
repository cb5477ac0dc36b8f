package org.scimoe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.scimoe.ScimoeException;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.eval.BeirCollection;
import org.scimoe.eval.ModeScores;
import org.scimoe.eval.RetrievalEvaluator;
import org.scimoe.eval.VectorCache;
import org.scimoe.embed.PassageSplitter;
import org.scimoe.lucene.Chunking;
import org.scimoe.lucene.SearchMode;
import org.scimoe.lucene.VectorQuantization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate knn, bm25 and hybrid search on a BEIR-layout directory (corpus.jsonl, queries.jsonl, qrels/test.tsv): "
                + "nDCG@10, Recall@100, MRR@10. Documents are embedded as title + text; their vectors are cached per "
                + "(bundle, corpus) so later runs do not embed again.")
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "BEIR-layout directory")
    Path dir;

    @Option(names = "--mode", split = ",", description = "modes to evaluate: knn, bm25, hybrid (default: all)")
    String[] modes;

    @Option(names = "--qrels", description = "judgments file (default: <dir>/qrels/test.tsv)")
    Path qrels;

    @Option(names = "--domain", description = "domain to route documents and queries to (domain-routed bundles)")
    String domain;

    @Option(names = "--json", description = "print one JSON object: {mode: {ndcg@10, recall@100, mrr@10, search_ms}}")
    boolean json;

    @Option(names = "--no-cache", description = "embed the documents even when their vectors are cached, and cache nothing")
    boolean noCache;

    @Option(names = "--cache-dir", description = "where document vectors are cached (default: $XDG_CACHE_HOME/scimoe/vectors or ~/.cache/scimoe/vectors)")
    Path cacheDir;

    @Option(names = "--quantize", defaultValue = "none", description = "vector storage of the evaluation index: none, int8, int4, binary (default: ${DEFAULT-VALUE})")
    String quantize;

    @Option(names = "--index-dir", description = "build the evaluation index in this new directory and keep it (default: in memory)")
    Path indexDir;

    @Option(names = "--chunk-tokens", paramLabel = "N",
            description = "index each document as passages of at most N tokens (as `index --chunk-tokens`): kNN ranks each document by its best passage")
    Integer chunkTokens;

    @Option(names = "--chunk-overlap", paramLabel = "M", defaultValue = "0",
            description = "with --chunk-tokens: tokens each passage shares with the previous one (default: ${DEFAULT-VALUE})")
    int chunkOverlap;

    @Option(names = "--max-passages", defaultValue = "" + Chunking.DEFAULT_MAX_PASSAGES,
            description = "with --chunk-tokens: passages per document at most (default: ${DEFAULT-VALUE})")
    int maxPassages;

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
        VectorQuantization quantization = VectorQuantization.parse(quantize);
        if (indexDir != null && Files.exists(indexDir) && !isEmptyDir(indexDir)) {
            throw new ScimoeException("--index-dir " + indexDir + " is not empty");
        }
        BeirCollection collection = qrels == null ? BeirCollection.load(dir) : BeirCollection.load(dir, qrels);
        var out = spec.commandLine().getOut();
        if (!collection.skipped().isEmpty()) {
            spec.commandLine().getErr().printf("left out %d corpus lines, first: %s%n", collection.skipped().size(), collection.skipped().get(0));
        }
        VectorCache cache = noCache ? null : new VectorCache(cacheDir != null ? cacheDir : VectorCache.defaultDir());
        try (OnnxEncoder encoder = models.open();
             PassageSplitter splitter = chunkTokens == null ? null : PassageSplitter.forBundle(models.bundle());
             Directory index = indexDir == null ? new ByteBuffersDirectory() : FSDirectory.open(indexDir)) {
            Chunking chunking = null;
            if (splitter != null) {
                try {
                    chunking = new Chunking(splitter, chunkTokens, chunkOverlap, maxPassages);
                } catch (IllegalArgumentException e) {
                    throw new ScimoeException("--chunk-tokens/--chunk-overlap/--max-passages: " + e.getMessage());
                }
            }
            // progress on stderr, so --json keeps stdout to one object
            Progress progress = new Progress(System.err, collection.corpus().size());
            Map<SearchMode, ModeScores> scores = new RetrievalEvaluator(encoder, domain, cache, quantization, chunking)
                    .evaluate(collection, selected, progress, index);
            progress.finish();
            if (cache != null && progress.done() == 0) {
                spec.commandLine().getErr().println("document vectors: from the cache (--no-cache to embed again)");
            }
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode root = mapper.createObjectNode();
                scores.forEach((mode, s) -> root.putObject(mode.label())
                        .put("ndcg@10", round(s.ndcgAt10())).put("recall@100", round(s.recallAt100())).put("mrr@10", round(s.mrrAt10()))
                        .put("search_ms", round(s.searchMillis())));
                out.println(mapper.writeValueAsString(root));
            } else {
                out.printf("%s: %d documents, %d judged queries, model %s, vectors %s%s%n", collection.name(), collection.corpus().size(),
                        scores.values().iterator().next().queries(), encoder.manifest().name(), quantization.label(),
                        chunking == null ? "" : ", passages of " + chunkTokens + " tokens (overlap " + chunkOverlap + ")");
                out.printf("%-8s %8s %11s %7s %10s%n", "mode", "nDCG@10", "Recall@100", "MRR@10", "search ms");
                scores.forEach((mode, s) -> out.printf("%-8s %8.4f %11.4f %7.4f %10.2f%n", mode.label(), s.ndcgAt10(), s.recallAt100(),
                        s.mrrAt10(), s.searchMillis()));
            }
            out.flush();
        }
        return 0;
    }

    private static boolean isEmptyDir(Path p) throws java.io.IOException {
        try (var s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}

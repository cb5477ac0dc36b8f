package org.scimoe.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.lucene.store.FSDirectory;
import org.scimoe.ScimoeException;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.PassageSplitter;
import org.scimoe.io.AbstractsFile;
import org.scimoe.lucene.AbstractDoc;
import org.scimoe.lucene.AbstractIndexWriter;
import org.scimoe.lucene.Chunking;
import org.scimoe.lucene.IndexingReport;
import org.scimoe.lucene.VectorQuantization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Embed a JSONL file of abstracts ({id, title, text, domain} per line) into a Lucene index. "
                + "Bad lines are reported and skipped; the rest is indexed. With --chunk-tokens each document is indexed as "
                + "passages (one vector each), so text beyond the model's window is searchable; search then returns each "
                + "document once with its best passage.")
final class IndexCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "JSONL file of abstracts")
    Path input;

    @Option(names = "--index", required = true, description = "index directory (created if missing)")
    Path index;

    @Option(names = "--quantize", defaultValue = "none",
            description = "store vectors for search as none (float), int8, int4 or binary (Lucene's scalar-quantized HNSW; default: ${DEFAULT-VALUE})")
    String quantize;

    @Option(names = "--chunk-tokens", paramLabel = "N",
            description = "index each document as passages of at most N tokens (special tokens included; at most the model's window), "
                    + "cut between words, instead of one vector per document")
    Integer chunkTokens;

    @Option(names = "--chunk-overlap", paramLabel = "M", defaultValue = "0",
            description = "with --chunk-tokens: tokens each passage shares with the previous one (default: ${DEFAULT-VALUE})")
    int chunkOverlap;

    @Option(names = "--max-passages", defaultValue = "" + Chunking.DEFAULT_MAX_PASSAGES,
            description = "with --chunk-tokens: passages per document at most; text beyond them is left out and counted as truncated "
                    + "(default: ${DEFAULT-VALUE})")
    int maxPassages;

    @Mixin
    ModelOptions models;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        VectorQuantization quantization = VectorQuantization.parse(quantize);
        List<AbstractDoc> docs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (chunkTokens == null && (spec.commandLine().getParseResult().hasMatchedOption("--chunk-overlap")
                || spec.commandLine().getParseResult().hasMatchedOption("--max-passages"))) {
            throw new ScimoeException("--chunk-overlap and --max-passages need --chunk-tokens");
        }
        AbstractsFile.read(input, docs::add, problems::add);
        try (OnnxEncoder encoder = models.open();
             PassageSplitter splitter = chunkTokens == null ? null : PassageSplitter.forBundle(models.bundle());
             FSDirectory dir = FSDirectory.open(index);
             AbstractIndexWriter writer = new AbstractIndexWriter(dir, encoder, quantization, chunking(splitter))) {
            problems.forEach(writer::reject);
            Progress progress = new Progress(System.err, docs.size());
            long start = System.nanoTime();
            for (AbstractDoc doc : docs) {
                writer.add(doc, progress);
            }
            IndexingReport report = writer.commit(progress);
            progress.finish();
            double seconds = (System.nanoTime() - start) / 1e9;
            report.rejected().forEach(r -> spec.commandLine().getErr().println("skipped: " + r));
            out.printf("indexed %d documents, skipped %d, truncated %d, with %s on %s in %.1f s (%.1f docs/s) into %s%n",
                    report.indexed(), report.rejected().size(), report.truncated(), encoder.manifest().name(), encoder.device().name(),
                    seconds, report.indexed() / Math.max(seconds, 1e-9), index);
            if (chunkTokens != null) {
                out.printf("as %d passages of at most %d tokens (overlap %d; %.1f passages/s)%n", report.passages(), chunkTokens,
                        chunkOverlap, report.passages() / Math.max(seconds, 1e-9));
            }
            var stats = encoder.stats();
            out.printf("embedded %d texts, %d tokens, in %d batches; inference %.1f s%n", stats.texts(), stats.tokens(), stats.batches(),
                    stats.inferenceNanos() / 1e9);
            return report.indexed() == 0 && !report.rejected().isEmpty() ? 1 : 0;
        }
    }

    private Chunking chunking(PassageSplitter splitter) {
        if (splitter == null) {
            return null;
        }
        try {
            return new Chunking(splitter, chunkTokens, chunkOverlap, maxPassages);
        } catch (IllegalArgumentException e) {
            throw new ScimoeException("--chunk-tokens/--chunk-overlap/--max-passages: " + e.getMessage());
        }
    }
}

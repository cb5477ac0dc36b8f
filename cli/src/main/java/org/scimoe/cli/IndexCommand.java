package org.scimoe.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.lucene.store.FSDirectory;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.io.AbstractsFile;
import org.scimoe.lucene.AbstractDoc;
import org.scimoe.lucene.AbstractIndexWriter;
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
                + "Bad lines are reported and skipped; the rest is indexed.")
final class IndexCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "JSONL file of abstracts")
    Path input;

    @Option(names = "--index", required = true, description = "index directory (created if missing)")
    Path index;

    @Option(names = "--quantize", defaultValue = "none",
            description = "store vectors for search as none (float), int8, int4 or binary (Lucene's scalar-quantized HNSW; default: ${DEFAULT-VALUE})")
    String quantize;

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
        AbstractsFile.read(input, docs::add, problems::add);
        try (OnnxEncoder encoder = models.open();
             FSDirectory dir = FSDirectory.open(index);
             AbstractIndexWriter writer = new AbstractIndexWriter(dir, encoder, quantization)) {
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
            return report.indexed() == 0 && !report.rejected().isEmpty() ? 1 : 0;
        }
    }
}

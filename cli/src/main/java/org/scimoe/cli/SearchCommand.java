package org.scimoe.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.lucene.store.FSDirectory;
import org.scimoe.ScimoeException;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.lucene.AbstractSearcher;
import org.scimoe.lucene.SearchHit;
import org.scimoe.lucene.SearchMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "search", mixinStandardHelpOptions = true, description = "Search an index with a text query. "
        + "On an index made with `index --chunk-tokens`, each document is listed once, scored by its best passage, "
        + "which is printed under it (offset and length in characters of title + \" \" + text, its score, its text).")
final class SearchCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the query text")
    String query;

    @Option(names = "--index", required = true, description = "index directory written by `scimoe index`")
    Path index;

    @Option(names = "--k", defaultValue = "10", description = "hits to return (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--mode", defaultValue = "knn", description = "knn, bm25 or hybrid (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--domain", description = "only documents of this domain")
    String domain;

    @Mixin
    ModelOptions models;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(index)) {
            throw new ScimoeException(index + ": no index there (create one with `scimoe index`)");
        }
        if (k < 1) {
            throw new ScimoeException("--k must be at least 1");
        }
        SearchMode searchMode = SearchMode.parse(mode);
        try (OnnxEncoder encoder = models.open(); FSDirectory dir = FSDirectory.open(index);
             AbstractSearcher searcher = new AbstractSearcher(dir, encoder)) {
            List<SearchHit> hits = searcher.search(query, searchMode, k, domain, null);
            var out = spec.commandLine().getOut();
            int rank = 1;
            for (SearchHit h : hits) {
                out.printf("%2d. %-18s %.4f  [%s] %s%n", rank++, h.id(), h.score(), h.domain() == null ? "-" : h.domain(), snippet(h));
                if (h.passage() != null) {
                    // the document's best passage: characters [offset, offset + length) of title + " " + text
                    SearchHit.Passage p = h.passage();
                    out.printf("    passage @%d+%d  %.4f  %s%n", p.offset(), p.length(), p.score(),
                            p.text() == null ? "" : p.text().replaceAll("\\s+", " ").trim());
                }
            }
            if (hits.isEmpty()) {
                out.println("no hits");
            }
            out.flush();
        }
        return 0;
    }

    private static String snippet(SearchHit h) {
        String s = h.title() != null && !h.title().isBlank() ? h.title() : h.text() == null ? "" : h.text();
        s = s.replaceAll("\\s+", " ").trim();
        return s.length() > 90 ? s.substring(0, 87) + "..." : s;
    }
}

package org.scimoe.training.pairs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.scimoe.io.InputException;
import org.scimoe.lucene.AbstractDoc;

/**
 * Citation prediction (the SciDocs "cite" task) in BEIR layout: held-out citing papers are the
 * queries (title + abstract), the papers each one cites are its relevant documents, and the corpus is
 * those cited papers plus seeded distractors from the same source. The held-out papers leave the
 * training data entirely: {@link #trainingEdges} drops every edge that touches one, as citing or as
 * cited, so no co-citation pair, and no document of a pair, is a held-out query.
 */
public final class CitationBenchmark {
    private final String name;
    private final Set<String> queries;
    private final Map<String, Set<String>> qrels;
    private final List<String> corpus;

    private CitationBenchmark(String name, Set<String> queries, Map<String, Set<String>> qrels, List<String> corpus) {
        this.name = name;
        this.queries = queries;
        this.qrels = qrels;
        this.corpus = corpus;
    }

    /**
     * @param edges      the source's citations (ids as in {@code sourceDocs})
     * @param sourceDocs the source's documents (candidates for distractors), in a stable order
     * @param maxQueries most held-out citing papers; at most a fifth of the eligible ones are taken
     * @param minRefs    a citing paper is eligible when it cites at least this many documents of the source
     * @param corpusSize the corpus: every cited document of a query, then distractors up to this size
     */
    public static CitationBenchmark holdOut(String name, List<CoCitation.Edge> edges, Collection<String> sourceDocs, int maxQueries,
                                            int minRefs, int corpusSize, long seed) {
        Set<String> docs = new TreeSet<>(sourceDocs);
        Map<String, Set<String>> refs = new TreeMap<>();
        for (CoCitation.Edge e : edges) {
            if (docs.contains(e.citing())) {
                refs.computeIfAbsent(e.citing(), k -> new TreeSet<>()).add(e.cited());
            }
        }
        List<String> eligible = new ArrayList<>();
        refs.forEach((citing, cited) -> {
            if (cited.size() >= minRefs) {
                eligible.add(citing);
            }
        });
        Random random = new Random(seed);
        Collections.shuffle(eligible, random);
        int n = Math.min(maxQueries, eligible.size() / 5);
        if (n == 0) {
            throw new InputException("citation benchmark '" + name + "': no citing paper has " + minRefs + " or more references in the corpus");
        }
        Set<String> queries = new TreeSet<>(eligible.subList(0, n));
        Map<String, Set<String>> qrels = new TreeMap<>();
        Set<String> corpus = new TreeSet<>();
        for (String q : queries) {
            Set<String> relevant = new TreeSet<>(refs.get(q));
            relevant.removeAll(queries); // a held-out paper is never a document
            if (!relevant.isEmpty()) {
                qrels.put(q, relevant);
                corpus.addAll(relevant);
            }
        }
        List<String> others = new ArrayList<>(docs);
        others.removeAll(queries);
        others.removeAll(corpus);
        Collections.shuffle(others, random);
        for (int i = 0; i < others.size() && corpus.size() < corpusSize; i++) {
            corpus.add(others.get(i));
        }
        return new CitationBenchmark(name, queries, qrels, new ArrayList<>(corpus));
    }

    /** The edges that touch no held-out paper: what training may use. */
    public List<CoCitation.Edge> trainingEdges(List<CoCitation.Edge> edges) {
        return edges.stream().filter(e -> !queries.contains(e.citing()) && !queries.contains(e.cited())).toList();
    }

    public String name() {
        return name;
    }

    /** The held-out citing papers. */
    public Set<String> queries() {
        return queries;
    }

    /** Per held-out paper, the documents it cites (every one in the corpus). */
    public Map<String, Set<String>> qrels() {
        return qrels;
    }

    public List<String> corpus() {
        return corpus;
    }

    /**
     * Writes corpus.jsonl, queries.jsonl and qrels/test.tsv; ids lose {@code idPrefix} (the pairs'
     * collection prefix) so the files read like the source's own.
     */
    public void write(Path dir, Map<String, AbstractDoc> docs, String idPrefix) {
        ObjectMapper json = new ObjectMapper();
        try {
            Files.createDirectories(dir.resolve("qrels"));
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("corpus.jsonl"), StandardCharsets.UTF_8)) {
                for (String id : corpus) {
                    AbstractDoc d = docs.get(id);
                    w.write(json.writeValueAsString(json.createObjectNode().put("_id", strip(id, idPrefix))
                            .put("title", d.title() == null ? "" : d.title()).put("text", d.text() == null ? "" : d.text())));
                    w.newLine();
                }
            }
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("queries.jsonl"), StandardCharsets.UTF_8)) {
                for (String id : qrels.keySet()) {
                    w.write(json.writeValueAsString(json.createObjectNode().put("_id", strip(id, idPrefix))
                            .put("text", docs.get(id).embeddingText())));
                    w.newLine();
                }
            }
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("qrels").resolve("test.tsv"), StandardCharsets.UTF_8)) {
                w.write("query-id\tcorpus-id\tscore\n");
                for (var e : qrels.entrySet()) {
                    for (String cited : e.getValue()) {
                        w.write(strip(e.getKey(), idPrefix) + "\t" + strip(cited, idPrefix) + "\t1\n");
                    }
                }
            }
        } catch (IOException e) {
            throw new InputException("cannot write the citation benchmark to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String strip(String id, String prefix) {
        return id.startsWith(prefix) ? id.substring(prefix.length()) : id;
    }
}

package org.scimoe.training.pairs;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scimoe.training.cli.TrainMainAccess;

/** Co-citation pairs at scale (cap per citing paper) and the citation-prediction benchmark held out from training. */
class CitationScaleTest {
    static final Path SLICE = Path.of("src/test/resources/hepth-slice");

    @TempDir
    Path tmp;

    static CoCitation.Edge edge(String citing, String cited) {
        return new CoCitation.Edge(citing, cited, "test");
    }

    @Test
    void hepThSliceGivesExactlyThePairsCountedWhenItWasCut() throws IOException {
        String all = run("pairs", "--out", tmp.resolve("all").toString(), "--collection", "physics=" + SLICE,
                "--citations", "physics=" + SLICE.resolve("citations.tsv"));
        assertTrue(all.startsWith("4427 pairs"), all); // README: counted independently (Python) when the slice was cut
        String twice = run("pairs", "--out", tmp.resolve("twice").toString(), "--collection", "physics=" + SLICE,
                "--citations", "physics=" + SLICE.resolve("citations.tsv"), "--min-count", "2");
        assertTrue(twice.startsWith("2063 pairs"), twice);
    }

    @Test
    void capOnReferencesPerCitingPaperIsASeededSample() {
        List<CoCitation.Edge> edges = List.of(edge("X", "A"), edge("X", "B"), edge("X", "C"), edge("X", "D"), edge("Y", "A"), edge("Y", "B"));
        Map<DocPair, Integer> capped = CoCitation.pairs(edges, 1, 2, 5);
        // X keeps 2 of its 4 references (one pair), Y keeps both (A, B)
        int fromX = capped.keySet().stream().mapToInt(p -> p.equals(new DocPair("A", "B")) ? 0 : 1).sum();
        assertTrue(fromX <= 1, capped.toString());
        assertEquals(capped, CoCitation.pairs(List.of(edges.get(5), edges.get(4), edges.get(3), edges.get(2), edges.get(1), edges.get(0)), 1, 2, 5),
                "the sample must not depend on the order of the edges");
        assertEquals(Map.of(new DocPair("A", "B"), 2, new DocPair("A", "C"), 1, new DocPair("A", "D"), 1, new DocPair("B", "C"), 1,
                new DocPair("B", "D"), 1, new DocPair("C", "D"), 1), CoCitation.pairs(edges, 1, 4, 5), "a cap at the size changes nothing");
    }

    @Test
    void benchmarkQrelsOnAHandMadeGraph() {
        // P1..P10 cite; P1 cites D1..D5; P2 cites D1, D2, D3, D6, D7; the others cite 1-2 papers (not eligible with minRefs 5)
        List<CoCitation.Edge> edges = new ArrayList<>();
        for (String d : List.of("D1", "D2", "D3", "D4", "D5")) {
            edges.add(edge("P1", d));
        }
        for (String d : List.of("D1", "D2", "D3", "D6", "D7")) {
            edges.add(edge("P2", d));
        }
        for (int i = 3; i <= 10; i++) {
            edges.add(edge("P" + i, "D" + i));
            edges.add(edge("P" + i, "P1")); // P1 is cited by others too: once held out, no pair may contain it
        }
        List<String> docs = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            docs.add("P" + i);
            docs.add("D" + i);
        }
        // 2 eligible citing papers: at most a fifth of them can be held out -> none; the benchmark says so
        assertThrows(org.scimoe.io.InputException.class, () -> CitationBenchmark.holdOut("g", edges, docs, 5, 5, 12, 1));
        // minRefs 2: P1..P10 are all eligible (P3..P10 cite two papers); a fifth of 10 = 2 queries
        CitationBenchmark bench = CitationBenchmark.holdOut("g", edges, docs, 5, 2, 12, 1);
        assertEquals(2, bench.queries().size());
        Map<String, Set<String>> expected = new TreeMap<>();
        for (String q : bench.queries()) {
            Set<String> cited = new TreeSet<>();
            edges.stream().filter(e -> e.citing().equals(q) && !bench.queries().contains(e.cited())).forEach(e -> cited.add(e.cited()));
            expected.put(q, cited);
        }
        assertEquals(expected, bench.qrels());
        Set<String> corpus = new HashSet<>(bench.corpus());
        bench.qrels().values().forEach(rel -> assertTrue(corpus.containsAll(rel), "every cited paper is in the corpus"));
        assertEquals(12, corpus.size(), "cited papers, then distractors up to the corpus size");
        bench.queries().forEach(q -> assertFalse(corpus.contains(q), "a held-out paper is not a document"));
        for (CoCitation.Edge e : bench.trainingEdges(edges)) {
            assertFalse(bench.queries().contains(e.citing()) || bench.queries().contains(e.cited()), "edge touches a held-out paper: " + e);
        }
        assertEquals(edges.stream().filter(e -> !bench.queries().contains(e.citing()) && !bench.queries().contains(e.cited())).count(),
                bench.trainingEdges(edges).size());
    }

    @Test
    void heldOutCitingPapersLeakIntoNoPairAndMakeABeirBenchmark() throws IOException {
        Path out = tmp.resolve("pairs");
        run("pairs", "--out", out.toString(), "--collection", "physics=" + SLICE, "--citations", "physics=" + SLICE.resolve("citations.tsv"),
                "--holdout-citing", "20", "--holdout-min-refs", "5", "--benchmark-corpus", "150", "--seed", "3");
        Path bench = out.resolve("cite-physics");
        ObjectMapper json = new ObjectMapper();
        Set<String> queries = new TreeSet<>();
        for (String line : Files.readAllLines(bench.resolve("queries.jsonl"))) {
            JsonNode q = json.readTree(line);
            queries.add(q.get("_id").asText());
            assertFalse(q.get("text").asText().isBlank());
        }
        assertEquals(20, queries.size());
        // qrels: exactly each held-out paper's citations in the slice (less other held-out papers)
        Map<String, Set<String>> expected = new TreeMap<>();
        for (String line : Files.readAllLines(SLICE.resolve("citations.tsv")).subList(1, 2113)) {
            String[] c = line.split("\t");
            if (queries.contains(c[0]) && !queries.contains(c[1])) {
                expected.computeIfAbsent(c[0], k -> new TreeSet<>()).add(c[1]);
            }
        }
        Map<String, Set<String>> qrels = new TreeMap<>();
        List<String> lines = Files.readAllLines(bench.resolve("qrels/test.tsv"));
        assertEquals("query-id\tcorpus-id\tscore", lines.get(0));
        lines.subList(1, lines.size()).forEach(l -> qrels.computeIfAbsent(l.split("\t")[0], k -> new TreeSet<>()).add(l.split("\t")[1]));
        assertEquals(expected, qrels);
        Set<String> corpus = new HashSet<>();
        for (String line : Files.readAllLines(bench.resolve("corpus.jsonl"))) {
            corpus.add(json.readTree(line).get("_id").asText());
        }
        assertEquals(150, corpus.size());
        qrels.values().forEach(rel -> assertTrue(corpus.containsAll(rel)));
        // no training, validation or test pair, and no pairs document, is a held-out paper
        PairDataset data = PairDataset.read(out);
        for (String id : data.docs().keySet()) {
            assertFalse(queries.contains(id.substring("physics:".length())), "held-out paper in docs.jsonl: " + id);
        }
        for (var list : data.positives().values()) {
            for (PairSets.Positive p : list) {
                assertFalse(queries.contains(p.pair().a().substring(8)) || queries.contains(p.pair().b().substring(8)), p.toString());
            }
        }
        // and the benchmark runs like any BEIR directory
        assertEquals(20, org.scimoe.eval.BeirCollection.load(bench, bench.resolve("qrels/test.tsv")).qrels().size());
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TrainMainAccess.run(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(0, code, err.toString());
        return out.toString();
    }
}

package org.scimoe.training.pairs;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scimoe.training.cli.TrainMainAccess;

class PairsBuilderTest {
    @TempDir
    Path tmp;

    static CoCitation.Edge edge(String citing, String cited) {
        return new CoCitation.Edge(citing, cited, "test");
    }

    @Test
    void coCitationGivesExactlyTheExpectedPairs() {
        // X cites A B C; Y cites A B (and B twice); Z cites D E; W cites only F
        List<CoCitation.Edge> edges = List.of(edge("X", "A"), edge("X", "B"), edge("X", "C"), edge("Y", "A"), edge("Y", "B"),
                edge("Y", "B"), edge("Z", "D"), edge("Z", "E"), edge("W", "F"));
        Map<DocPair, Integer> all = CoCitation.pairs(edges, 1);
        assertEquals(Map.of(new DocPair("A", "B"), 2, new DocPair("A", "C"), 1, new DocPair("B", "C"), 1, new DocPair("D", "E"), 1), all);
        assertEquals(Map.of(new DocPair("A", "B"), 2), CoCitation.pairs(edges, 2));
        assertEquals(new DocPair("B", "A"), new DocPair("A", "B"));
    }

    @Test
    void coRelevanceUsesTrainingQueriesOnly() {
        Map<String, Map<String, Integer>> qrels = Map.of(
                "q1", Map.of("a", 1, "b", 2, "c", 0),
                "q2", Map.of("c", 1, "d", 1));
        assertEquals(Map.of(new DocPair("a", "b"), 1), CoRelevance.pairs(qrels, List.of("q1"), 1, 1));
        assertEquals(Map.of(new DocPair("a", "b"), 1, new DocPair("c", "d"), 1), CoRelevance.pairs(qrels, List.of("q1", "q2"), 1, 1));
    }

    @Test
    void realCitationsSplitWithoutLeakageAndWithBalancedLabelledPairs() throws IOException {
        Path slice = Path.of("src/test/resources/cacm-slice");
        Path out = tmp.resolve("pairs");
        String stdout = run("pairs", "--out", out.toString(), "--collection", "computing=" + slice,
                "--citations", "computing=" + slice.resolve("citations.tsv"), "--fractions", "0.6,0.2", "--seed", "7");
        assertTrue(stdout.contains("1844 pairs"), stdout); // computed independently when the slice was cut (README)
        PairDataset data = PairDataset.read(out);
        // no document in two splits, and every pair inside one split
        for (Split s : Split.values()) {
            for (PairSets.Positive p : data.positives().get(s)) {
                assertEquals(s, data.splitOf().get(p.pair().a()));
                assertEquals(s, data.splitOf().get(p.pair().b()));
            }
        }
        List<LabelledPair> test = data.labelled().get(Split.TEST);
        long positives = test.stream().filter(p -> p.label() == 1).count();
        assertTrue(positives > 20, "test positives " + positives);
        assertEquals(positives, test.size() - positives, "balanced");
        Set<DocPair> allPositive = new HashSet<>();
        for (Split s : Split.values()) {
            data.positives().get(s).forEach(p -> allPositive.add(p.pair()));
        }
        for (LabelledPair p : test) {
            assertEquals(Split.TEST, data.splitOf().get(p.a()));
            assertEquals(Split.TEST, data.splitOf().get(p.b()));
            if (p.label() == 0) {
                assertFalse(allPositive.contains(new DocPair(p.a(), p.b())), "a negative must not be a positive: " + p);
            }
        }
        // the graph split keeps more pairs than random assignment does
        int keptGraph = kept(data);
        run("pairs", "--out", tmp.resolve("random").toString(), "--collection", "computing=" + slice,
                "--citations", "computing=" + slice.resolve("citations.tsv"), "--fractions", "0.6,0.2", "--seed", "7", "--split", "random");
        assertTrue(keptGraph > kept(PairDataset.read(tmp.resolve("random"))), "graph split should drop fewer pairs");
    }

    private static int kept(PairDataset data) {
        return data.positives().values().stream().mapToInt(List::size).sum();
    }

    @Test
    void badInputNamesTheLine() throws IOException {
        Path docs = tmp.resolve("docs.jsonl");
        Files.writeString(docs, """
                {"_id": "1", "title": "Wing flutter", "text": "Flutter of swept wings.", "domain": "aeronautics"}
                {"_id": "2", "title": "Heparin", "text": "Clotting time.", "domain": "astrology"}
                """);
        assertError("docs.jsonl:2: domain 'astrology' is not one of [aeronautics, medicine]", "pairs", "--out", tmp.resolve("o").toString(),
                "--docs", docs.toString(), "--domains", "aeronautics,medicine");

        Files.writeString(docs, """
                {"_id": "1", "title": "Wing flutter", "text": "Flutter of swept wings.", "domain": "aeronautics"}
                {"_id": "2", "title": "", "text": "", "domain": "aeronautics"}
                """);
        assertError("docs.jsonl:2: field 'text' is missing or empty (document '2')", "pairs", "--out", tmp.resolve("o").toString(),
                "--docs", docs.toString());

        Files.writeString(docs, """
                {"_id": "1", "title": "Wing flutter", "text": "Flutter of swept wings.", "domain": "aeronautics"}
                {"_id": "2", "title": "Panel flutter", "text": "Flutter of panels.", "domain": "aeronautics"}
                """);
        Path edges = tmp.resolve("edges.tsv");
        Files.writeString(edges, "9\t1\n9\t2\n9\t3\n");
        assertError("edges.tsv:3: cited document '3' is not in the documents", "pairs", "--out", tmp.resolve("o").toString(),
                "--docs", docs.toString(), "--citations", edges.toString());
    }

    private static void assertError(String expected, String... args) {
        StringWriter err = new StringWriter();
        int code = TrainMainAccess.run(new PrintWriter(new StringWriter()), new PrintWriter(err), args);
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains(expected), "expected '" + expected + "' in: " + err);
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TrainMainAccess.run(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(0, code, err.toString());
        return out.toString();
    }
}

package org.scimoe.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scimoe.cli.CliEndToEndTest.Run;

/**
 * {@code scimoe index --chunk-tokens} and {@code scimoe search} on the chunked index, as a user runs them
 * (in-process, real int8 MiniLM): a document whose only relevant sentence lies beyond the model's
 * 256-token window is found through its passage and missed without chunking; each document is listed
 * once, with its best passage, whose offsets point at that text.
 */
class ChunkedIndexCliTest {
    private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
    private static final String MODEL = "minilm-l6-v2-q";
    private static final String QUERY = "how do arctic terns find their way during migration";
    private static final String TITLE = "Register allocation";
    /** A hit line: rank, id, score. */
    private static final Pattern HIT = Pattern.compile("^\\s*(\\d+)\\. (\\S+)\\s+(\\d+\\.\\d+)\\s.*$");
    /** The best passage under a hit: offset, length, score, text. */
    private static final Pattern PASSAGE = Pattern.compile("^    passage @(\\d+)\\+(\\d+)\\s+(\\d+\\.\\d+)\\s+(.*)$");

    @TempDir
    Path tmp;
    Path input;

    /** About 500 tokens of compiler text, then the one sentence about terns. */
    static String longText() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 2400; i++) {
            text.append("The optimizing compiler allocates registers to loop variables and spills temporaries to the stack in pass ")
                    .append(i).append(". ");
        }
        return text.append("Arctic terns navigate their pole-to-pole migration by the geomagnetic field and the position of the sun.")
                .append(" The register allocator then runs again.").toString();
    }

    @BeforeEach
    void write() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        lines.add(json.writeValueAsString(Map.of("id", "long", "title", TITLE, "text", longText())));
        lines.add(json.writeValueAsString(Map.of("id", "seabirds", "title", "Seabird colonies",
                "text", "Breeding success of gulls and puffins in seabird colonies on coastal cliffs.")));
        lines.addAll(Files.readAllLines(REPO.resolve("demo/abstracts.jsonl")).subList(0, 20));
        input = tmp.resolve("docs.jsonl");
        Files.write(input, lines);
    }

    record Hit(String id, double score, Integer offset, Integer length, String passage) {}

    static List<Hit> hits(String out) {
        List<Hit> hits = new ArrayList<>();
        for (String line : out.lines().toList()) {
            Matcher h = HIT.matcher(line);
            Matcher p = PASSAGE.matcher(line);
            if (h.matches()) {
                hits.add(new Hit(h.group(2), Double.parseDouble(h.group(3)), null, null, null));
            } else if (p.matches()) {
                Hit last = hits.remove(hits.size() - 1);
                hits.add(new Hit(last.id(), last.score(), Integer.parseInt(p.group(1)), Integer.parseInt(p.group(2)), p.group(4)));
            }
        }
        return hits;
    }

    @Test
    void theSentenceBeyondTheWindowIsFoundOnlyOnTheChunkedIndexWithItsPassage() {
        Path chunked = tmp.resolve("chunked");
        Path whole = tmp.resolve("whole");
        Run indexed = CliEndToEndTest.run("index", input.toString(), "--index", chunked.toString(), "--model", MODEL, "--device", "cpu",
                "--chunk-tokens", "64", "--chunk-overlap", "32");
        assertEquals(0, indexed.status(), indexed.err());
        assertTrue(indexed.out().contains("indexed 22 documents, skipped 0, truncated 0"), indexed.out());
        assertTrue(Pattern.compile("as \\d+ passages of at most 64 tokens \\(overlap 32;").matcher(indexed.out()).find(), indexed.out());
        Run plain = CliEndToEndTest.run("index", input.toString(), "--index", whole.toString(), "--model", MODEL, "--device", "cpu");
        assertEquals(0, plain.status(), plain.err());
        assertFalse(plain.out().contains("passages"), plain.out());

        Run search = CliEndToEndTest.run("search", QUERY, "--index", chunked.toString(), "--model", MODEL, "--k", "5");
        assertEquals(0, search.status(), search.err());
        List<Hit> hits = hits(search.out());
        assertEquals(5, hits.size(), search.out());
        Hit top = hits.get(0);
        assertEquals("long", top.id(), search.out());
        assertTrue(top.passage().contains("Arctic terns navigate"), search.out());
        // offset and length are characters of title + " " + text, and the printed passage is that text
        String embedded = TITLE + " " + longText();
        assertEquals(embedded.substring(top.offset(), top.offset() + top.length()), top.passage());
        assertTrue(top.offset() > 2000, "the passage lies far into the text: " + top.offset());
        for (Hit h : hits) {
            assertNotNull(h.passage(), "every kNN hit shows its best passage: " + h.id());
        }

        Run missed = CliEndToEndTest.run("search", QUERY, "--index", whole.toString(), "--model", MODEL, "--k", "5");
        assertEquals(0, missed.status(), missed.err());
        List<Hit> wholeHits = hits(missed.out());
        assertNotEquals("long", wholeHits.get(0).id(), missed.out());
        assertNull(wholeHits.get(0).passage(), missed.out());
    }

    @Test
    void eachDocumentIsListedOnceInEveryModeAndHybridKeepsThePassage() {
        Path chunked = tmp.resolve("chunked");
        assertEquals(0, CliEndToEndTest.run("index", input.toString(), "--index", chunked.toString(), "--model", MODEL, "--device", "cpu",
                "--chunk-tokens", "48").status());
        for (String mode : List.of("knn", "bm25", "hybrid")) {
            Run search = CliEndToEndTest.run("search", "migration of birds and lens proteins", "--index", chunked.toString(), "--model", MODEL,
                    "--k", "30", "--mode", mode);
            assertEquals(0, search.status(), mode + ": " + search.err());
            Map<String, Hit> byId = new LinkedHashMap<>();
            for (Hit h : hits(search.out())) {
                assertNull(byId.put(h.id(), h), mode + ": " + h.id() + " listed twice\n" + search.out());
            }
            assertFalse(byId.isEmpty(), mode);
        }
        Run hybrid = CliEndToEndTest.run("search", QUERY, "--index", chunked.toString(), "--model", MODEL, "--mode", "hybrid", "--k", "3");
        assertEquals(0, hybrid.status(), hybrid.err());
        Hit top = hits(hybrid.out()).get(0);
        assertEquals("long", top.id(), hybrid.out());
        assertTrue(top.passage().contains("Arctic terns"), hybrid.out());
    }

    @Test
    void badChunkingOptionsAndMixingAreRefusedClearly() {
        Path chunked = tmp.resolve("chunked");
        Run overlapAlone = CliEndToEndTest.run("index", input.toString(), "--index", chunked.toString(), "--model", MODEL, "--chunk-overlap", "8");
        assertEquals(2, overlapAlone.status());
        assertTrue(overlapAlone.err().contains("--chunk-overlap and --max-passages need --chunk-tokens"), overlapAlone.err());
        Run tooLong = CliEndToEndTest.run("index", input.toString(), "--index", chunked.toString(), "--model", MODEL, "--chunk-tokens", "1024");
        assertEquals(2, tooLong.status());
        assertTrue(tooLong.err().contains("passages of 1024 tokens do not fit model 'minilm-l6-v2-q', which reads at most 256 tokens"),
                tooLong.err());
        Run badOverlap = CliEndToEndTest.run("index", input.toString(), "--index", chunked.toString(), "--model", MODEL,
                "--chunk-tokens", "64", "--chunk-overlap", "64");
        assertEquals(2, badOverlap.status());
        assertTrue(badOverlap.err().contains("overlap must be at least 0 and less than"), badOverlap.err());

        assertEquals(0, CliEndToEndTest.run("index", input.toString(), "--index", chunked.toString(), "--model", MODEL, "--device", "cpu",
                "--chunk-tokens", "64").status());
        Run wholeInto = CliEndToEndTest.run("index", input.toString(), "--index", chunked.toString(), "--model", MODEL, "--device", "cpu");
        assertEquals(2, wholeInto.status());
        assertTrue(wholeInto.err().contains("this index holds passages of 64 tokens (overlap 0); it cannot take documents embedded whole"),
                wholeInto.err());
    }

    @Test
    void evalBuildsAChunkedIndexThatSearchThenQueriesByPassage() throws Exception {
        Path slice = REPO.resolve("src/test/resources/beir-medline-slice");
        Path indexDir = tmp.resolve("eval-index");
        Run eval = CliEndToEndTest.run("eval", slice.toString(), "--model", MODEL, "--json", "--mode", "knn,hybrid",
                "--cache-dir", tmp.resolve("cache").toString(), "--chunk-tokens", "128", "--chunk-overlap", "16",
                "--index-dir", indexDir.toString());
        assertEquals(0, eval.status(), eval.err());
        JsonNode json = new ObjectMapper().readTree(eval.out());
        for (String mode : List.of("knn", "hybrid")) {
            double ndcg = json.path(mode).path("ndcg@10").asDouble(-1);
            assertTrue(ndcg > 0.3 && ndcg <= 1, mode + " nDCG@10 = " + ndcg);
        }
        Run search = CliEndToEndTest.run("search", "the crystalline lens in vertebrates", "--index", indexDir.toString(), "--model", MODEL,
                "--k", "10");
        assertEquals(0, search.status(), search.err());
        List<Hit> hits = hits(search.out());
        assertEquals(10, hits.size(), search.out());
        Set<String> ids = new HashSet<>();
        for (Hit h : hits) {
            assertTrue(ids.add(h.id()), "listed twice: " + h.id());
            assertNotNull(h.passage(), h.id());
        }
        assertTrue(hits.get(0).passage().toLowerCase().contains("lens"), search.out());
    }
}

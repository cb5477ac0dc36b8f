package org.scimoe.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI as a user runs it (in-process), on real abstracts and the real int8 MiniLM. */
class CliEndToEndTest {
    private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
    private static final String MODEL = "minilm-l6-v2-q";

    @TempDir
    Path tmp;

    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void indexSkipsBadLinesThenSearchFindsTheRelevantAbstract() throws Exception {
        Path input = tmp.resolve("abstracts.jsonl");
        List<String> lines = Files.readAllLines(REPO.resolve("demo/abstracts.jsonl")).subList(0, 60);
        List<String> withBad = new java.util.ArrayList<>(lines);
        withBad.add(3, "{not json");
        withBad.add(10, "{\"id\": \"no-text\", \"title\": \"\"}");
        withBad.add(20, "{\"title\": \"no id\", \"text\": \"something\"}");
        Files.write(input, withBad);
        Path index = tmp.resolve("index");

        Run indexed = run("index", input.toString(), "--index", index.toString(), "--model", MODEL, "--device", "cpu");
        assertEquals(0, indexed.status(), indexed.err());
        assertTrue(indexed.out().contains("indexed 60 documents, skipped 3"), indexed.out());
        assertTrue(indexed.err().contains("abstracts.jsonl:4: not valid JSON"), indexed.err());
        assertTrue(indexed.err().contains("abstracts.jsonl:11: field 'text' is missing or empty (document 'no-text')"), indexed.err());
        assertTrue(indexed.err().contains("abstracts.jsonl:21: field 'id' is missing"), indexed.err());

        Run search = run("search", "the crystalline lens in vertebrates", "--index", index.toString(), "--model", MODEL, "--k", "3");
        assertEquals(0, search.status(), search.err());
        String first = search.out().lines().findFirst().orElseThrow();
        assertTrue(first.startsWith(" 1. medline-") && first.toLowerCase().contains("lens"), search.out());

        Run filtered = run("search", "lens", "--index", index.toString(), "--model", MODEL, "--domain", "aeronautics", "--mode", "bm25");
        assertEquals(0, filtered.status(), filtered.err());
        assertTrue(filtered.out().lines().allMatch(l -> l.contains("[aeronautics]") || l.equals("no hits")), filtered.out());

        Run wrongModel = run("search", "lens", "--index", index.toString(), "--model", "minilm-l6-v2");
        assertEquals(2, wrongModel.status());
        assertTrue(wrongModel.err().contains("built with model 'minilm-l6-v2-q'"), wrongModel.err());
    }

    @Test
    void evalPrintsOneJsonObjectOfTheDocumentedShapeAndReusesCachedVectors() throws Exception {
        Path slice = REPO.resolve("src/test/resources/beir-medline-slice");
        String cache = tmp.resolve("cache").toString();
        Run eval = run("eval", slice.toString(), "--model", MODEL, "--json", "--cache-dir", cache);
        assertEquals(0, eval.status(), eval.err());
        assertFalse(eval.err().contains("from the cache"), eval.err());
        JsonNode json = new ObjectMapper().readTree(eval.out());
        for (String mode : List.of("knn", "bm25", "hybrid")) {
            for (String metric : List.of("ndcg@10", "recall@100", "mrr@10")) {
                double v = json.path(mode).path(metric).asDouble(-1);
                assertTrue(v > 0 && v <= 1, mode + " " + metric + " = " + v);
            }
        }
        Run only = run("eval", slice.toString(), "--model", MODEL, "--json", "--mode", "bm25", "--cache-dir", cache);
        JsonNode bm25 = new ObjectMapper().readTree(only.out());
        assertEquals(1, bm25.size());
        assertEquals(json.path("bm25").path("ndcg@10").asDouble(), bm25.path("bm25").path("ndcg@10").asDouble(), 1e-9);
        assertTrue(only.err().contains("document vectors: from the cache"), only.err());

        // cached vectors rank exactly as freshly embedded ones
        Run cached = run("eval", slice.toString(), "--model", MODEL, "--json", "--mode", "knn", "--cache-dir", cache);
        Run fresh = run("eval", slice.toString(), "--model", MODEL, "--json", "--mode", "knn", "--no-cache");
        assertTrue(cached.err().contains("from the cache") && !fresh.err().contains("from the cache"), cached.err() + fresh.err());
        assertEquals(json.path("knn").path("ndcg@10").asDouble(), new ObjectMapper().readTree(cached.out()).path("knn").path("ndcg@10").asDouble(), 1e-9);
        assertEquals(json.path("knn").path("ndcg@10").asDouble(), new ObjectMapper().readTree(fresh.out()).path("knn").path("ndcg@10").asDouble(), 1e-9);

        // int8-quantized vectors in the index: same collection, close quality
        Run int8 = run("eval", slice.toString(), "--model", MODEL, "--json", "--mode", "knn", "--cache-dir", cache, "--quantize", "int8");
        assertEquals(0, int8.status(), int8.err());
        double quantized = new ObjectMapper().readTree(int8.out()).path("knn").path("ndcg@10").asDouble(-1);
        assertEquals(json.path("knn").path("ndcg@10").asDouble(), quantized, 0.05);
        Run bad = run("eval", slice.toString(), "--model", MODEL, "--quantize", "int3");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("--quantize must be none, int8, int4 or binary, not 'int3'"), bad.err());
    }

    @Test
    void aBinaryQuantizedIndexStillFindsTheRelevantAbstract() throws Exception {
        Path input = tmp.resolve("abstracts.jsonl");
        Files.write(input, Files.readAllLines(REPO.resolve("demo/abstracts.jsonl")).subList(0, 60));
        Path index = tmp.resolve("index-binary");
        Run indexed = run("index", input.toString(), "--index", index.toString(), "--model", MODEL, "--device", "cpu", "--quantize", "binary");
        assertEquals(0, indexed.status(), indexed.err());
        try (var reader = org.apache.lucene.index.DirectoryReader.open(org.apache.lucene.store.FSDirectory.open(index))) {
            for (var leaf : reader.leaves()) {
                String format = leaf.reader().getFieldInfos().fieldInfo("vector")
                        .getAttribute(org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY);
                // Lucene names the one-bit scalar encoding's format Lucene104HnswBinaryQuantizedVectorsFormat
                assertTrue(format != null && format.startsWith("Lucene104Hnsw") && format.endsWith("QuantizedVectorsFormat"),
                        "the segment stores quantized vectors, not floats: " + format);
            }
        }
        Run search = run("search", "the crystalline lens in vertebrates", "--index", index.toString(), "--model", MODEL, "--k", "3", "--mode", "knn");
        assertEquals(0, search.status(), search.err());
        String first = search.out().lines().findFirst().orElseThrow();
        assertTrue(first.startsWith(" 1. medline-") && first.toLowerCase().contains("lens"), search.out());
    }

    @Test
    void embedWritesOneVectorPerGoodLine() throws Exception {
        Path input = tmp.resolve("in.jsonl");
        Files.writeString(input, "{\"id\":\"a\",\"text\":\"lift of a swept wing\"}\n{\"id\":\"b\",\"text\":\"\"}\n{\"id\":\"c\",\"text\":\"eye lens proteins\"}\n");
        Run embed = run("embed", input.toString(), "--model", MODEL);
        assertEquals(0, embed.status(), embed.err());
        List<String> lines = embed.out().lines().toList();
        assertEquals(2, lines.size());
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertEquals("a", first.get("id").asText());
        assertEquals(384, first.get("vector").size());
        assertTrue(embed.err().contains("in.jsonl:2: field 'text' is missing or empty (document 'b')"), embed.err());
    }

    @Test
    void userErrorsAreOneClearLine() {
        Run missing = run("index", tmp.resolve("nope.jsonl").toString(), "--index", tmp.resolve("i").toString(), "--model", MODEL);
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("nope.jsonl: no such file"), missing.err());
        Run unknown = run("search", "x", "--index", tmp.toString(), "--model", "scibert");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown model 'scibert'"), unknown.err());
        Run models = run("models", "--json");
        assertEquals(0, models.status());
        assertTrue(models.out().contains("\"name\" : \"minilm-l6-v2-q\""), models.out());
    }
}

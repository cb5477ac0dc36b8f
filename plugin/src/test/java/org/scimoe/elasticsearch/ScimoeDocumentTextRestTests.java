package org.scimoe.elasticsearch;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.elasticsearch.test.ESIntegTestCase.ClusterScope;
import org.elasticsearch.test.ESIntegTestCase.Scope;
import org.elasticsearch.test.rest.ObjectPath;

/**
 * One text per document: a titled abstract gets the same vector through the node's ingest processor
 * (fields title and text) as through the command line's {@code scimoe embed}, because both join the
 * fields with the engine's {@code DocumentText}.
 */
@ClusterScope(scope = Scope.SUITE, numDataNodes = 1, numClientNodes = 0, supportsDedicatedMasters = false)
public class ScimoeDocumentTextRestTests extends ScimoeRestTestCase {
    // stray whitespace around both fields, as real records have it
    private static final String TITLE = "  Lens proteins of the ageing vertebrate eye \n";
    private static final String TEXT = "\tThe crystalline lens changes with age: its soluble proteins aggregate, "
            + "the lens hardens and scatters more light. We measured the proteins of 40 bovine lenses. ";

    public void testTitledAbstractGetsTheSameVectorOnTheNodeAndInScimoeEmbed() throws Exception {
        float[] node = throughThePipeline();
        float[] cli = throughScimoeEmbed();
        assertThat(node.length, equalTo(384));
        assertThat(maxDiff(node, cli), lessThan(1e-5));
        // the processor's former joiner (". ") gives another vector: the test can tell them apart
        float[] dotted = embed(TITLE.strip() + ". " + TEXT.strip());
        assertThat(maxDiff(node, dotted), greaterThan(1e-3));
    }

    private float[] throughThePipeline() throws IOException {
        ObjectPath r = json("POST", "/_ingest/pipeline/_simulate", toJson(Map.of(
                "pipeline", Map.of("processors", List.of(Map.of("scimoe_embed",
                        Map.of("field", List.of("title", "text"), "target_field", "embedding", "model", "minilm-l6-v2")))),
                "docs", List.of(Map.of("_source", Map.of("title", TITLE, "text", TEXT))))));
        return floats(r.evaluate("docs.0.doc._source.embedding"));
    }

    private static float[] embed(String text) throws IOException {
        ObjectPath r = json("POST", "/_scimoe/_embed", toJson(Map.of("texts", List.of(text))));
        return floats(r.evaluate("embeddings.0.vector"));
    }

    /** Runs the repository's launcher, {@code ./scimoe embed}, as a user would, on a one-line JSONL file. */
    private static float[] throughScimoeEmbed() throws IOException, InterruptedException {
        Path root = bundlesDir().getParent().getParent().getParent();
        if (Files.isRegularFile(root.resolve("cli/target/classpath.txt")) == false) {
            throw new IllegalStateException("build the cli module first (mvn install -DskipTests): " + root.resolve("cli/target/classpath.txt"));
        }
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "doc-text");
        ObjectMapper mapper = new ObjectMapper();
        Path input = dir.resolve("abstract.jsonl");
        Files.writeString(input, mapper.writeValueAsString(Map.of("id", "lens", "title", TITLE, "text", TEXT)) + "\n");
        Path output = dir.resolve("vectors.jsonl");
        Path log = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(root.resolve("scimoe").toString(), "embed", input.toString(), "-o", output.toString(),
                "--model", "minilm-l6-v2", "--models-dir", bundlesDir().toString(), "--device", "cpu", "--threads", "2")
                .directory(root.toFile()).redirectErrorStream(false).redirectError(log.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile()).start();
        if (p.waitFor(5, TimeUnit.MINUTES) == false) {
            p.destroyForcibly();
            throw new IllegalStateException("scimoe embed did not finish in 5 minutes");
        }
        String stderr = Files.readString(log, StandardCharsets.UTF_8);
        assertThat("scimoe embed failed: " + stderr, p.exitValue(), equalTo(0));
        JsonNode line = mapper.readTree(Files.readAllLines(output, StandardCharsets.UTF_8).get(0));
        assertThat(line.get("id").asText(), equalTo("lens"));
        float[] v = new float[line.get("vector").size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) line.get("vector").get(i).asDouble();
        }
        return v;
    }

    private static float[] floats(List<Object> values) {
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((Number) values.get(i)).floatValue();
        }
        return v;
    }

    private static double maxDiff(float[] a, float[] b) {
        assertThat(b.length, equalTo(a.length));
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}

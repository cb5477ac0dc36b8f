package org.scimoe.training.cli;

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
import org.scimoe.TestBundles;
import org.scimoe.bundle.BundleCatalog;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.Routing;

/**
 * pairs → train → the bundle, through the command line, on two real slices (CACM citations as
 * "computing", MEDLINE judgments as "medicine"): a domain-routed model with its router, two steps.
 */
class TrainCommandTest {
    @TempDir
    Path tmp;

    @Test
    void trainsADomainRoutedModelWithARouterAndWritesItsBundle() throws Exception {
        Path pairs = pairs();
        Path out = tmp.resolve("run");
        String models = TestBundles.root().toString();
        run("train", "--pairs", pairs.toString(), "--out", out.toString(), "--variant", "domain", "--steps", "2", "--batch", "4",
                "--max-tokens", "32", "--warmup", "1", "--pairs-per-domain", "16", "--name", "tiny-domain", "--models-dir", models,
                "--device", "cpu", "--threads", "2");

        JsonNode summary = new ObjectMapper().readTree(Files.readString(out.resolve("summary.json")));
        assertEquals(2, summary.path("updates").asInt());
        assertTrue(summary.path("routerAccuracy").asDouble() > 0.5, summary.toString());
        assertEquals(2, Files.readAllLines(out.resolve("train-log.jsonl")).size());
        assertTrue(Files.isRegularFile(out.resolve("model/scimoe-recipe.json")));
        ModelBundle bundle = BundleCatalog.scan(List.of(out.resolve("bundle"))).get("tiny-domain");
        assertEquals(Routing.Mode.DOMAIN, bundle.manifest().routing().mode());
        assertEquals(List.of("computing", "medicine"), bundle.manifest().routing().domainNames());
        assertNotNull(bundle.manifest().routing().routerOutput());

        // the exported bundle evaluates like any other
        String eval = run("eval", "--pairs", pairs.toString(), "--model", "tiny-domain", "--models-dir", out.resolve("bundle").toString(),
                "--device", "cpu", "--json");
        assertTrue(new ObjectMapper().readTree(eval).has("All"), eval);
    }

    @Test
    void testsAnSbMoeBlockAndItsBaseSideBySideOnPooledVectors() throws Exception {
        Path pairs = pairs();
        Path out = tmp.resolve("sbmoe");
        String models = TestBundles.root().toString();
        run("train", "--pairs", pairs.toString(), "--out", out.toString(), "--variant", "sbmoe", "--freeze-encoder", "--experts", "2",
                "--pool-with-engine", "--steps", "3", "--batch", "8", "--warmup", "1", "--pairs-per-domain", "16", "--name", "tiny-sbmoe",
                "--models-dir", models, "--model", TestBundles.FP32, "--device", "cpu", "--threads", "2",
                "--test-benchmark", "medline=" + MEDLINE, "--test-pairs");

        JsonNode test = new ObjectMapper().readTree(Files.readString(out.resolve("test.json")));
        for (String side : List.of("base", "block")) {
            assertTrue(test.path(side).path("medline").path("queries").asInt() > 0, side + ": " + test);
            assertTrue(test.path(side).path("f1max").has("All"), side + ": " + test);
        }
        // the base side is the base bundle as `scimoe eval` sees it: same index, search and metrics, vectors from the pool
        org.scimoe.eval.ModeScores engine;
        try (org.scimoe.embed.OnnxEncoder encoder = org.scimoe.embed.OnnxEncoder.load(TestBundles.bundle(TestBundles.FP32),
                org.scimoe.embed.EncoderOptions.DEFAULTS.withDevice(org.scimoe.runtime.DeviceRequest.CPU))) {
            engine = new org.scimoe.eval.RetrievalEvaluator(encoder, null).evaluate(org.scimoe.eval.BeirCollection.load(MEDLINE),
                    java.util.Set.of(org.scimoe.lucene.SearchMode.KNN), null).get(org.scimoe.lucene.SearchMode.KNN);
        }
        assertEquals(engine.ndcgAt10(), test.path("base").path("medline").path("ndcg10").asDouble(), 1e-3, test.toString());
        assertEquals(engine.recallAt100(), test.path("base").path("medline").path("recall100").asDouble(), 1e-3, test.toString());

        assertNotEquals(0, TrainMainAccess.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "train", "--pairs",
                pairs.toString(), "--out", tmp.resolve("bad").toString(), "--variant", "shared", "--steps", "1", "--models-dir", models,
                "--test-benchmark", "medline=" + MEDLINE), "tests on pooled vectors need an SB-MoE block on a frozen encoder");
    }

    private static final Path MEDLINE = Path.of("../src/test/resources/beir-medline-slice");

    /** Pairs of two real slices: CACM citations as "computing", MEDLINE judgments as "medicine". */
    private Path pairs() {
        Path cacm = Path.of("src/test/resources/cacm-slice");
        Path pairs = tmp.resolve("pairs");
        run("pairs", "--out", pairs.toString(), "--collection", "computing=" + cacm, "--citations", "computing=" + cacm.resolve("citations.tsv"),
                "--collection", "medicine=" + MEDLINE, "--train-queries", "0.7");
        return pairs;
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TrainMainAccess.run(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(0, code, err.toString());
        return out.toString();
    }
}

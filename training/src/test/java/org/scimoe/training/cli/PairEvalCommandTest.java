package org.scimoe.training.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scimoe.TestBundles;

/** pairs → eval on real CACM citations with the real MiniLM bundle, through the command line. */
class PairEvalCommandTest {
    @TempDir
    Path tmp;

    @Test
    void evaluatesLabelledPairsPerDomainAndAll() throws Exception {
        Path slice = Path.of("src/test/resources/cacm-slice");
        Path pairs = tmp.resolve("pairs");
        assertEquals(0, TrainMainAccess.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "pairs", "--out",
                pairs.toString(), "--collection", "computing=" + slice, "--citations", "computing=" + slice.resolve("citations.tsv"),
                "--fractions", "0.7,0.1"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TrainMainAccess.run(new PrintWriter(out), new PrintWriter(err), "eval", "--pairs", pairs.toString(), "--json",
                "--device", "cpu", "--threads", "2", "--models-dir", TestBundles.root().toString());
        assertEquals(0, code, err.toString());
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertTrue(json.has("computing") && json.has("All"), out.toString());
        JsonNode all = json.get("All");
        for (String field : new String[] {"f1max", "threshold", "precision", "recall", "accuracy", "rocAuc", "meanPositive", "meanNegative", "ratio"}) {
            assertTrue(all.has(field), field);
        }
        // co-cited CACM abstracts are far closer than random ones under a pretrained encoder
        assertTrue(all.get("f1max").asDouble() > 0.7 && all.get("f1max").asDouble() <= 1, out.toString());
        assertTrue(all.get("meanPositive").asDouble() > all.get("meanNegative").asDouble(), out.toString());
        assertEquals(all.get("positives").asInt(), all.get("negatives").asInt());
    }
}

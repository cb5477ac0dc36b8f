package org.scimoe.training.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report reads what run-all.sh leaves and writes tables with differences to the base, and plots. */
class ReportCommandTest {
    @TempDir
    Path tmp;

    @Test
    void tablesShowEachRunAndItsDifferenceToTheBase() throws Exception {
        Path slice = Path.of("src/test/resources/cacm-slice");
        Path pairs = tmp.resolve("pairs");
        assertEquals(0, TrainMainAccess.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "pairs", "--out",
                pairs.toString(), "--collection", "computing=" + slice, "--citations", "computing=" + slice.resolve("citations.tsv")));
        Path runs = tmp.resolve("runs");
        run(runs.resolve("base"), "{\"parameters\": 100}", "", 0.80, 0.40);
        run(runs.resolve("shared"), "{\"parameters\": 100, \"trainableParameters\": 90, \"updates\": 3, \"trainSeconds\": 12.5, "
                + "\"examplesPerSecond\": 4.0, \"lastEpochMeanLoss\": 0.5}",
                "{\"step\":1,\"loss\":2.0}\n".repeat(10) + "{\"step\":10,\"valid\":{\"computing\":{\"loss\":1.5,\"f1max\":0.8}}}\n"
                        + "{\"step\":11,\"loss\":1.0}\n".repeat(10) + "{\"step\":20,\"valid\":{\"computing\":{\"loss\":1.2,\"f1max\":0.8}}}\n",
                0.85, 0.45);
        // A run tested on pooled vectors: its block's figures are in test.json only.
        Files.createDirectories(runs.resolve("pooled"));
        Files.writeString(runs.resolve("pooled").resolve("summary.json"), "{\"parameters\": 100}");
        Files.writeString(runs.resolve("pooled").resolve("test.json"), "{\"base\": {}, \"block\": {\"computing\": {\"ndcg10\": 0.42, "
                + "\"recall100\": 0.9}, \"f1max\": {\"computing\": 0.83, \"All\": 0.83}}}");
        Path out = tmp.resolve("report");
        StringWriter stdout = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TrainMainAccess.run(new PrintWriter(stdout), new PrintWriter(err), "report", "--runs", runs.toString(), "--pairs",
                pairs.toString(), "--out", out.toString(), "--speed-docs", "0");
        assertEquals(0, code, err.toString());
        String tables = Files.readString(out.resolve("tables.md"));
        assertTrue(tables.contains("| shared | – | 0.8500 (+0.050) | – | – | – | 0.8500 (+0.050) |"), tables);
        assertTrue(tables.contains("| base | – | – | – | – | – | – | 0.4000 |"), tables);
        assertTrue(tables.contains("| pooled | – | 0.8300 (+0.030) | – | – | – | 0.8300 (+0.030) |"), tables);
        assertTrue(tables.contains("| pooled | – | – | – | – | – | – | 0.4200 (+0.020) |"), tables);
        assertTrue(tables.contains("| shared | 100 | 90 | 3 | 12 | 4.0 | 0.500 | – | – | – |") || tables.contains("| shared | 100 | 90 | 3 | 13 | 4.0 | 0.500 | – | – | – |"), tables);
        for (String png : new String[] {"loss.png", "f1max.png", "ndcg.png", "valid-loss.png"}) {
            assertTrue(Files.size(out.resolve(png)) > 1000, png);
        }
    }

    private static void run(Path dir, String summary, String log, double f1, double ndcg) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("summary.json"), summary);
        Files.writeString(dir.resolve("train-log.jsonl"), log);
        Files.writeString(dir.resolve("pairs-eval.json"), "{\"computing\": {\"f1max\": " + f1 + "}, \"All\": {\"f1max\": " + f1 + "}}");
        Files.writeString(dir.resolve("ndcg-computing.json"), "{\"knn\": {\"ndcg@10\": " + ndcg + ", \"recall@100\": 0.9}}");
    }
}

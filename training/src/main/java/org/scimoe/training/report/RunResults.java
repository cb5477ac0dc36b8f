package org.scimoe.training.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.scimoe.ScimoeException;

/**
 * What one experiment run left in its directory (training/experiments/run-all.sh): summary.json,
 * train-log.jsonl, pairs-eval.json and ndcg-&lt;domain&gt;.json, or test.json for a run tested on pooled vectors.
 */
public record RunResults(String name, Path dir, JsonNode summary, List<double[]> loss, Map<String, List<double[]>> validLoss, JsonNode pairs,
                         Map<String, JsonNode> retrieval) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static RunResults read(Path dir) {
        try {
            JsonNode summary = readJson(dir.resolve("summary.json"));
            List<double[]> loss = new ArrayList<>();
            Map<String, List<double[]>> validLoss = new LinkedHashMap<>();
            Path log = dir.resolve("train-log.jsonl");
            if (Files.isRegularFile(log)) {
                for (String line : Files.readAllLines(log)) {
                    JsonNode step = JSON.readTree(line);
                    if (step.has("valid")) { // a validation line: loss per domain
                        double at = step.path("step").asDouble();
                        step.path("valid").fields().forEachRemaining(e ->
                                validLoss.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new double[] {at, e.getValue().path("loss").asDouble()}));
                    } else if (!step.path("skipped").asBoolean(false)) {
                        loss.add(new double[] {step.path("step").asDouble(), step.path("loss").asDouble()});
                    }
                }
            }
            Map<String, JsonNode> retrieval = new LinkedHashMap<>();
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().startsWith("ndcg-")).sorted().forEach(f -> {
                    String domain = f.getFileName().toString().replaceFirst("^ndcg-", "").replaceFirst("\\.json$", "");
                    retrieval.put(domain, readJson(f));
                });
            }
            Path pairsFile = dir.resolve("pairs-eval.json");
            JsonNode pairs = Files.isRegularFile(pairsFile) ? readJson(pairsFile) : null;
            Path test = dir.resolve("test.json");
            if (Files.isRegularFile(test)) {
                pairs = addPooledTests(readJson(test).path("block"), retrieval, pairs);
            }
            return new RunResults(dir.getFileName().toString(), dir, summary, loss, validLoss, pairs, retrieval);
        } catch (IOException e) {
            throw new ScimoeException("cannot read the run in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * A run tested on pooled vectors ({@code train --test-benchmark/--test-pairs}) keeps its block's figures in test.json
     * instead of ndcg-*.json and pairs-eval.json: they are read into the same shape. Returns the pair figures.
     */
    private static JsonNode addPooledTests(JsonNode block, Map<String, JsonNode> retrieval, JsonNode pairs) {
        block.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("f1max")) {
                ObjectNode knn = JSON.createObjectNode();
                knn.putObject("knn").put("ndcg@10", e.getValue().path("ndcg10").asDouble(Double.NaN))
                        .put("recall@100", e.getValue().path("recall100").asDouble(Double.NaN));
                retrieval.putIfAbsent(e.getKey(), knn);
            }
        });
        if (pairs != null || !block.has("f1max")) {
            return pairs;
        }
        ObjectNode fromTest = JSON.createObjectNode();
        block.path("f1max").fields().forEachRemaining(e -> fromTest.putObject(e.getKey()).put("f1max", e.getValue().asDouble(Double.NaN)));
        return fromTest;
    }

    private static JsonNode readJson(Path file) {
        try {
            String text = Files.readString(file).trim();
            return text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new ScimoeException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public double f1max(String domain) {
        return pairs == null ? Double.NaN : pairs.path(domain).path("f1max").asDouble(Double.NaN);
    }

    public double ndcg(String domain) {
        JsonNode r = retrieval.get(domain);
        return r == null ? Double.NaN : r.path("knn").path("ndcg@10").asDouble(Double.NaN);
    }

    public double recall(String domain) {
        JsonNode r = retrieval.get(domain);
        return r == null ? Double.NaN : r.path("knn").path("recall@100").asDouble(Double.NaN);
    }

    /** Loss averaged over windows of {@code window} steps, for readable curves. */
    public List<double[]> smoothedLoss(int window) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i + window <= loss.size(); i += window) {
            double step = 0;
            double sum = 0;
            for (int k = i; k < i + window; k++) {
                step += loss.get(k)[0];
                sum += loss.get(k)[1];
            }
            out.add(new double[] {step / window, sum / window});
        }
        return out;
    }
}

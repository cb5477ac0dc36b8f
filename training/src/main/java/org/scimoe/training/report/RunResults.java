package org.scimoe.training.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * train-log.jsonl, pairs-eval.json and ndcg-&lt;domain&gt;.json.
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
            Path pairs = dir.resolve("pairs-eval.json");
            return new RunResults(dir.getFileName().toString(), dir, summary, loss, validLoss, Files.isRegularFile(pairs) ? readJson(pairs) : null, retrieval);
        } catch (IOException e) {
            throw new ScimoeException("cannot read the run in " + dir + ": " + e.getMessage(), e);
        }
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

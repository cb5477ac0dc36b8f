package org.scimoe.training.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;

/**
 * Embedding throughput of several models side by side, in one process (the machines are shared and
 * noisy): each model is warmed up on a first batch, then every round embeds all inputs with every
 * model, the order rotating from round to round; the result is each model's median docs/s.
 */
public final class ThroughputRounds {
    private ThroughputRounds() {}

    /** @param inputsFor the inputs each model embeds (e.g. with or without domains) */
    public static Map<String, Double> medianDocsPerSecond(Map<String, ? extends TextEmbedder> models,
                                                          java.util.function.Function<String, List<EmbedInput>> inputsFor, int rounds) {
        Map<String, double[]> rates = new LinkedHashMap<>();
        models.forEach((name, m) -> {
            List<EmbedInput> inputs = inputsFor.apply(name);
            m.embed(inputs.subList(0, Math.min(16, inputs.size())), Role.DOCUMENT); // warm-up: sizes the runtime's memory arena
            rates.put(name, new double[rounds]);
        });
        List<String> names = new ArrayList<>(models.keySet());
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < names.size(); k++) {
                String name = names.get((k + r) % names.size());
                List<EmbedInput> inputs = inputsFor.apply(name);
                long t0 = System.nanoTime();
                models.get(name).embed(inputs, Role.DOCUMENT);
                rates.get(name)[r] = inputs.size() / ((System.nanoTime() - t0) / 1e9);
            }
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        rates.forEach((name, v) -> medians.put(name, median(v)));
        return medians;
    }

    public static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}

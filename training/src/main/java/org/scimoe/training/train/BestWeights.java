package org.scimoe.training.train;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.scimoe.training.model.ParameterStore;
import org.scimoe.training.onnx.FloatTensor;

/**
 * Keeps the best weights seen by validation loss (lower is better), starting from the untrained
 * model, so a run that only gets worse ends where it began.
 *
 * <p>Per expert: when only domain experts train (encoder frozen), a domain's validation depends on its
 * own expert alone, so each expert keeps the weights of its own best step — a domain whose data does
 * not help keeps the pretrained FFN, and does not drift. Otherwise the whole trainable set is kept at
 * the step with the best mean loss over domains.
 */
public final class BestWeights {
    private final ParameterStore params;
    private final Map<String, Integer> expertIndex; // domain -> expert id; null: one selection for all
    private final Map<String, Double> bestLoss = new HashMap<>();
    private final Map<String, Integer> bestStep = new LinkedHashMap<>();
    private final Map<String, Map<String, float[]>> kept = new HashMap<>(); // selection key -> parameter -> values

    /** @param expertIndex per domain its expert id, when each expert is selected on its own; else null */
    public BestWeights(ParameterStore params, Map<String, Integer> expertIndex) {
        this.params = params;
        this.expertIndex = expertIndex;
    }

    /** Records the scores of {@code step}; keeps copies of what improved. */
    public void offer(int step, Map<String, Validation.Score> scores) {
        if (expertIndex == null) {
            consider(Validation.ALL, step, scores.get(Validation.ALL).loss(), -1);
        } else {
            expertIndex.forEach((domain, expert) -> {
                Validation.Score s = scores.get(domain);
                if (s != null) {
                    consider(domain, step, s.loss(), expert);
                }
            });
        }
    }

    private void consider(String key, int step, double loss, int expert) {
        if (!Double.isFinite(loss) || loss >= bestLoss.getOrDefault(key, Double.POSITIVE_INFINITY)) {
            return;
        }
        bestLoss.put(key, loss);
        bestStep.put(key, step);
        Map<String, float[]> copy = new HashMap<>();
        for (ParameterStore.Param p : params.trainable()) {
            FloatTensor t = params.value(p.name());
            copy.put(p.name(), expert < 0 ? t.values() : slice(t, expert));
        }
        kept.put(key, copy);
    }

    /** Writes the kept weights back into the model. */
    public void restore() {
        for (ParameterStore.Param p : params.trainable()) {
            FloatTensor now = params.value(p.name());
            if (expertIndex == null) {
                Map<String, float[]> best = kept.get(Validation.ALL);
                if (best != null) {
                    params.setValue(p.name(), new FloatTensor(now.shape(), best.get(p.name())));
                }
                continue;
            }
            float[] values = now.values().clone();
            int size = values.length / (int) now.shape()[0];
            expertIndex.forEach((domain, expert) -> {
                Map<String, float[]> best = kept.get(domain);
                if (best != null) {
                    System.arraycopy(best.get(p.name()), 0, values, expert * size, size);
                }
            });
            params.setValue(p.name(), new FloatTensor(now.shape(), values));
        }
    }

    /** The step whose weights are kept, per domain (or {@link Validation#ALL}); 0 is the untrained model. */
    public Map<String, Integer> bestSteps() {
        return bestStep;
    }

    private static float[] slice(FloatTensor t, int expert) {
        int size = t.values().length / (int) t.shape()[0];
        float[] out = new float[size];
        System.arraycopy(t.values(), expert * size, out, 0, size);
        return out;
    }
}

package org.scimoe.training.onnx;

import java.util.List;
import org.scimoe.ScimoeException;

/**
 * Picks a domain for a text nobody labelled: a linear classifier {@code softmax(x · weight + bias)}
 * on the mean-pooled token states that enter the first expert layer (computed in the same pass, so
 * routing costs one small MatMul, not a second encoder run).
 *
 * @param weight [d, E]
 * @param bias   [E]
 */
public record DomainRouter(FloatTensor weight, FloatTensor bias) {
    public static final String OUTPUT = "router_probs";

    public DomainRouter {
        if (weight.rank() != 2 || bias.rank() != 1 || weight.dim(1) != bias.dim(0)) {
            throw new ScimoeException("a router needs weight [d, E] and bias [E]");
        }
    }

    public int domains() {
        return (int) bias.dim(0);
    }

    /** The domain id the router picks for a pooled vector (the graph's ArgMax over the same logits). */
    public int choose(float[] pooled) {
        int n = domains();
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int e = 0; e < n; e++) {
            double s = bias.values()[e];
            for (int k = 0; k < pooled.length; k++) {
                s += pooled[k] * weight.values()[k * n + e];
            }
            if (s > bestScore) {
                bestScore = s;
                best = e;
            }
        }
        return best;
    }

    /**
     * The nearest-centroid classifier, written as a linear layer. Pooled states share a large common
     * direction, so centroids are taken relative to the overall mean μ: with unit directions
     * c_k = (m_k − μ) / |m_k − μ|, logit_k = (x − μ) · c_k · scale = x · (c_k · scale) − μ · c_k · scale.
     *
     * @param vectors pooled vectors of labelled texts
     * @param labels  their domain ids, 0..E-1
     * @param scale   softmax temperature for the reported probabilities (argmax does not depend on it)
     */
    public static DomainRouter nearestCentroid(List<float[]> vectors, int[] labels, int domains, float scale) {
        int d = vectors.get(0).length;
        double[][] means = new double[domains][d];
        double[] overall = new double[d];
        int[] counts = new int[domains];
        for (int i = 0; i < vectors.size(); i++) {
            float[] v = vectors.get(i);
            for (int k = 0; k < d; k++) {
                means[labels[i]][k] += v[k];
                overall[k] += v[k] / vectors.size();
            }
            counts[labels[i]]++;
        }
        FloatTensor weight = FloatTensor.zeros(d, domains);
        FloatTensor bias = FloatTensor.zeros(domains);
        for (int e = 0; e < domains; e++) {
            if (counts[e] == 0) {
                throw new ScimoeException("no labelled text for domain id " + e + ": the router cannot learn it");
            }
            double[] direction = new double[d];
            double norm = 0;
            for (int k = 0; k < d; k++) {
                direction[k] = means[e][k] / counts[e] - overall[k];
                norm += direction[k] * direction[k];
            }
            norm = Math.sqrt(norm);
            double offset = 0;
            for (int k = 0; k < d; k++) {
                double c = direction[k] / norm * scale;
                weight.values()[k * domains + e] = (float) c;
                offset += overall[k] * c;
            }
            bias.values()[e] = (float) -offset;
        }
        return new DomainRouter(weight, bias);
    }
}

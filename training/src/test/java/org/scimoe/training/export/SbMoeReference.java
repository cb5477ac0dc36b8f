package org.scimoe.training.export;

import org.scimoe.bundle.Routing.GatePooling;
import org.scimoe.training.onnx.FfnWeights;
import org.scimoe.training.onnx.SbMoeHead;

/** The SB-MoE block in plain loops, written from its definition, to check the exported graph against. */
final class SbMoeReference {
    record Result(float[] gate, int best, float[] normalised) {}

    static Result forward(SbMoeHead head, float[] x) {
        int d = head.dims();
        int n = head.expertCount();
        double[] logits = affine(x, head.gateWeight().values(), head.gateBias().values(), n);
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        float[] gate = new float[n];
        for (int e = 0; e < n; e++) {
            sum += Math.exp(logits[e] - max);
        }
        int best = 0;
        for (int e = 0; e < n; e++) {
            gate[e] = (float) (Math.exp(logits[e] - max) / sum);
            if (gate[e] > gate[best]) {
                best = e;
            }
        }
        double[] y = new double[d];
        for (int e = 0; e < n; e++) {
            double weight = head.pooling() == GatePooling.ALL ? gate[e] : (e == best ? gate[e] : 0);
            if (weight == 0) {
                continue;
            }
            FfnWeights w = head.experts().get(e);
            double[] h = affine(x, w.w1().values(), w.b1().values(), w.hiddenDim());
            float[] act = new float[h.length];
            for (int k = 0; k < h.length; k++) {
                act[k] = (float) gelu(h[k]);
            }
            double[] out = affine(act, w.w2().values(), w.b2().values(), d);
            for (int k = 0; k < d; k++) {
                y[k] += weight * out[k];
            }
        }
        double norm = 0;
        for (int k = 0; k < d; k++) {
            if (head.residual()) {
                y[k] += x[k];
            }
            norm += y[k] * y[k];
        }
        float[] v = new float[d];
        for (int k = 0; k < d; k++) {
            v[k] = (float) (y[k] / Math.sqrt(norm));
        }
        return new Result(gate, best, v);
    }

    /** x [in] · w [in, out] + b [out]. */
    private static double[] affine(float[] x, float[] w, float[] b, int out) {
        double[] y = new double[out];
        for (int j = 0; j < out; j++) {
            y[j] = b[j];
        }
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < out; j++) {
                y[j] += x[i] * w[i * out + j];
            }
        }
        return y;
    }

    static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /** erf from the complementary error function's Chebyshev fit (Numerical Recipes erfcc), |error| < 1.2e-7. */
    static double erf(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc : erfc - 1;
    }
}

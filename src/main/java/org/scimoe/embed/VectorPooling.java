package org.scimoe.embed;

import java.nio.FloatBuffer;
import org.scimoe.bundle.Pooling;

/** Pools one row of a [batch, tokens, dims] output into a vector, and normalises vectors. */
final class VectorPooling {
    private VectorPooling() {}

    /**
     * @param states  the whole output, row-major [batch, seqLen, dims]
     * @param row     which batch row
     * @param length  real (unpadded) tokens of that row; padding sits after them
     */
    static float[] pool(Pooling pooling, FloatBuffer states, int row, int seqLen, int dims, int length) {
        float[] out = new float[dims];
        int base = row * seqLen * dims;
        if (pooling == Pooling.CLS) {
            states.get(base, out);
            return out;
        }
        // one bulk copy of the row's real tokens: element-wise reads from ONNX Runtime's direct buffer are slow
        float[] tokens = new float[length * dims];
        states.get(base, tokens);
        for (int t = 0; t < length; t++) {
            int offset = t * dims;
            for (int d = 0; d < dims; d++) {
                out[d] += tokens[offset + d];
            }
        }
        float inv = 1f / Math.max(1, length);
        for (int d = 0; d < dims; d++) {
            out[d] *= inv;
        }
        return out;
    }

    /** Scales to unit L2 length in place; a zero vector stays zero. */
    static float[] normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum > 0) {
            float inv = (float) (1.0 / Math.sqrt(sum));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
        return v;
    }
}

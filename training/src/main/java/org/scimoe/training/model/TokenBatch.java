package org.scimoe.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Tokenised texts padded to the longest: ids, attention mask and token types, each [rows, length] row-major. */
public record TokenBatch(int rows, int length, long[] ids, long[] mask, long[] types) {

    public TokenBatch {
        if (ids.length != rows * length || mask.length != ids.length || types.length != ids.length) {
            throw new IllegalArgumentException("token arrays do not match " + rows + " x " + length);
        }
    }

    public long tokens() {
        long n = 0;
        for (long m : mask) {
            n += m;
        }
        return n;
    }

    NDArray ids(NDManager m) {
        return m.create(ids, new Shape(rows, length));
    }

    NDArray types(NDManager m) {
        return m.create(types, new Shape(rows, length));
    }

    /** The mask as float32 [rows, length]: 1 for a token, 0 for padding. */
    NDArray mask(NDManager m) {
        float[] f = new float[mask.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = mask[i];
        }
        return m.create(f, new Shape(rows, length));
    }
}

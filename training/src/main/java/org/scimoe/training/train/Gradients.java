package org.scimoe.training.train;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Operations on a step's gradients. Autograd accumulates into them, so they are zeroed after each
 * step; a gradient holding NaN is overwritten (multiplying by 0 would keep the NaN).
 */
final class Gradients {
    private Gradients() {}

    /** The L2 norm over all gradients together. */
    static double globalNorm(List<NDArray> grads) {
        double sum = 0;
        for (NDArray g : grads) {
            sum += g.square().sum().getFloat();
        }
        return Math.sqrt(sum);
    }

    static void scale(List<NDArray> grads, float factor) {
        grads.forEach(g -> g.muli(factor));
    }

    static void zero(List<NDArray> grads) {
        grads.forEach(g -> g.muli(0));
    }

    /** Zeroes gradients that may hold NaN or infinity. */
    static void clear(List<NDArray> grads) {
        // In place, in libtorch's memory. NDArray.set(float[]) would give the gradient a Java buffer as storage, owned
        // by this step's array: once that array is closed and collected, the parameter's gradient points at freed
        // memory and a later backward adds into it (the SIGSEGVs of training rounds 4 and 5; GradientsTest).
        grads.forEach(g -> {
            g.set(g.isNaN().logicalOr(g.isInfinite()), 0f);
            g.muli(0);
        });
    }
}

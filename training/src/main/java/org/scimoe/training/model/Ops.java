package org.scimoe.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;

/**
 * The few tensor operations the encoder is made of. Inputs come first in each product so that the
 * result belongs to the caller's scope rather than to the parameter's manager.
 */
final class Ops {
    private Ops() {}

    /** x [..., in] · w [in, out] + b [out]. */
    static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return x.matMul(w).add(b);
    }

    static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, float eps) {
        return LayerNorm.layerNorm(x, new Shape(x.getShape().get(x.getShape().dimension() - 1)), gamma, beta, eps).singletonOrThrow();
    }

    /** The exact GELU BERT uses (libtorch's default form is the erf one, not the tanh approximation). */
    static NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    /** Training-time dropout at {@code rate} (0: the identity, as at inference). */
    static NDArray dropout(NDArray x, float rate) {
        return rate > 0 ? ai.djl.nn.norm.Dropout.dropout(x, rate, true).singletonOrThrow() : x;
    }

    /** The first token's state of each row: [rows, tokens, d] to [rows, d] (CLS pooling). */
    static NDArray clsPool(NDArray states) {
        return states.get(new ai.djl.ndarray.index.NDIndex(":, 0, :"));
    }

    /** Mean of the token states [rows, tokens, d] over the tokens the mask [rows, tokens] keeps. */
    static NDArray meanPool(NDArray states, NDArray mask) {
        NDArray m = mask.expandDims(2);
        NDArray summed = states.mul(m).sum(new int[] {1});
        NDArray count = m.sum(new int[] {1}).maximum(1e-9f);
        return summed.div(count);
    }

    /** Rows scaled to unit length. */
    static NDArray normalize(NDArray v) {
        return v.div(v.norm(new int[] {-1}, true).maximum(1e-12f));
    }
}

package org.scimoe.training.onnx;

/**
 * One feed-forward block: {@code out = act(x · w1 + b1) · w2 + b2}, with {@code w1 [in, hidden]},
 * {@code b1 [hidden]}, {@code w2 [hidden, out]}, {@code b2 [out]} (the [in, out] layout ONNX
 * MatMul weights use). A BERT layer's FFN, one domain expert, or one SB-MoE expert.
 */
public record FfnWeights(FloatTensor w1, FloatTensor b1, FloatTensor w2, FloatTensor b2) {

    public FfnWeights {
        if (w1.rank() != 2 || w2.rank() != 2 || b1.rank() != 1 || b2.rank() != 1
                || w1.dim(1) != b1.dim(0) || w1.dim(1) != w2.dim(0) || w2.dim(1) != b2.dim(0)) {
            throw new IllegalArgumentException("inconsistent FFN shapes: w1 " + java.util.Arrays.toString(w1.shape())
                    + ", b1 " + java.util.Arrays.toString(b1.shape()) + ", w2 " + java.util.Arrays.toString(w2.shape())
                    + ", b2 " + java.util.Arrays.toString(b2.shape()));
        }
    }

    public int inputDim() {
        return (int) w1.dim(0);
    }

    public int hiddenDim() {
        return (int) w1.dim(1);
    }

    public int outputDim() {
        return (int) w2.dim(1);
    }

    public FfnWeights copy() {
        return new FfnWeights(w1.copy(), b1.copy(), w2.copy(), b2.copy());
    }
}

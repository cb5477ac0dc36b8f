package org.scimoe.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.scimoe.bundle.Routing.GatePooling;
import org.scimoe.training.onnx.FfnWeights;
import org.scimoe.training.onnx.FloatTensor;
import org.scimoe.training.onnx.SbMoeHead;

/**
 * The SB-MoE block on pooled sentence vectors, as {@link SbMoeHead} defines it for the exported
 * graph: softmax gate over N experts (d → hidden → d, GELU), TOP-1 = the strongest expert times its
 * gate weight (so the gate still learns), ALL = gate-weighted sum, optionally added to the input.
 * The head is small, so every expert runs and the gate's weights select.
 */
final class SbMoeBlock {
    static final String GATE_W = "sbmoe.gate.weight";
    static final String GATE_B = "sbmoe.gate.bias";
    static final String W1 = "sbmoe.experts.w1";
    static final String B1 = "sbmoe.experts.b1";
    static final String W2 = "sbmoe.experts.w2";
    static final String B2 = "sbmoe.experts.b2";

    private final ParameterStore params;
    private final SbMoeOptions options;

    private SbMoeBlock(ParameterStore params, SbMoeOptions options) {
        this.params = params;
        this.options = options;
    }

    /** New block with seeded normal weights (std {@code initStd}) and zero biases. */
    static SbMoeBlock create(ParameterStore params, int dims, SbMoeOptions o, long seed) {
        Random random = new Random(seed);
        int n = o.experts();
        params.add(GATE_W, normal(random, o.initStd(), dims, n), ParamGroup.NEW, true);
        params.add(GATE_B, FloatTensor.zeros(n), ParamGroup.NEW, true);
        params.add(W1, normal(random, o.initStd(), n, dims, o.hidden()), ParamGroup.NEW, true);
        params.add(B1, FloatTensor.zeros(n, o.hidden()), ParamGroup.NEW, true);
        params.add(W2, normal(random, o.initStd(), n, o.hidden(), dims), ParamGroup.NEW, true);
        params.add(B2, FloatTensor.zeros(n, dims), ParamGroup.NEW, true);
        return new SbMoeBlock(params, o);
    }

    private static FloatTensor normal(Random random, float std, long... shape) {
        FloatTensor t = FloatTensor.zeros(shape);
        float[] v = t.values();
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return t;
    }

    /** The gate's softmax weights [rows, N] for pooled vectors [rows, d]. */
    NDArray gate(NDArray pooled) {
        return Ops.linear(pooled, params.get(GATE_W), params.get(GATE_B)).softmax(1);
    }

    /** pooled [rows, d] → the block's output [rows, d] (not normalised). */
    NDArray forward(NDArray pooled) {
        NDArray gate = gate(pooled);
        // All experts at once: [1, rows, d] · [N, d, hidden] → [N, rows, hidden], then → [N, rows, d].
        NDArray h = Ops.gelu(pooled.expandDims(0).matMul(params.get(W1)).add(params.get(B1).expandDims(1)));
        NDArray y = h.matMul(params.get(W2)).add(params.get(B2).expandDims(1)).transpose(1, 0, 2); // [rows, N, d]
        NDArray weights = gate;
        if (options.pooling() == GatePooling.TOP1) {
            NDArray oneHot = gate.argMax(1).oneHot(options.experts(), DataType.FLOAT32);
            weights = oneHot.mul(gate);
        }
        NDArray mixed = y.mul(weights.expandDims(2)).sum(new int[] {1});
        return options.residual() ? mixed.add(pooled) : mixed;
    }

    /** The block's current weights in the form the exporter appends to a graph. */
    SbMoeHead toHead() {
        FloatTensor w1 = params.value(W1);
        FloatTensor b1 = params.value(B1);
        FloatTensor w2 = params.value(W2);
        FloatTensor b2 = params.value(B2);
        List<FfnWeights> experts = new ArrayList<>();
        for (int e = 0; e < options.experts(); e++) {
            experts.add(new FfnWeights(DomainExperts.slice(w1, e), DomainExperts.slice(b1, e), DomainExperts.slice(w2, e), DomainExperts.slice(b2, e)));
        }
        return new SbMoeHead(params.value(GATE_W), params.value(GATE_B), experts, options.pooling(), options.residual());
    }

    SbMoeOptions options() {
        return options;
    }
}

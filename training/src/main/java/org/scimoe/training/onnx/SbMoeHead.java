package org.scimoe.training.onnx;

import java.util.List;
import org.scimoe.ScimoeException;
import org.scimoe.bundle.Routing.GatePooling;

/**
 * The SB-MoE block: one Mixture-of-Experts layer after the encoder's last layer, on the pooled
 * sentence vector. N experts, each two feed-forward layers ({@code d → hidden → d}, GELU between);
 * a learned softmax gate over the experts; TOP-1 (the strongest expert, scaled by its gate weight so
 * the gate keeps a gradient) or ALL (the gate-weighted sum). With {@code residual}, the block adds
 * its output to the pooled vector, so an untrained block starts from the base encoder.
 *
 * @param gateWeight [d, N]
 * @param gateBias   [N]
 * @param experts    N experts, each d → hidden → d
 */
public record SbMoeHead(FloatTensor gateWeight, FloatTensor gateBias, List<FfnWeights> experts, GatePooling pooling, boolean residual) {

    public static final String OUTPUT = "sentence_embedding";
    public static final String GATE_OUTPUT = "gate_weights";

    public SbMoeHead {
        experts = List.copyOf(experts);
        if (experts.isEmpty()) {
            throw new ScimoeException("an SB-MoE block needs at least one expert");
        }
        int d = experts.get(0).inputDim();
        int hidden = experts.get(0).hiddenDim();
        for (FfnWeights e : experts) {
            if (e.inputDim() != d || e.outputDim() != d || e.hiddenDim() != hidden) {
                throw new ScimoeException("SB-MoE experts must all map " + d + " -> " + hidden + " -> " + d);
            }
        }
        if (gateWeight.rank() != 2 || gateWeight.dim(0) != d || gateWeight.dim(1) != experts.size() || gateBias.dim(0) != experts.size()) {
            throw new ScimoeException("SB-MoE gate must be [" + d + ", " + experts.size() + "] + [" + experts.size() + "]");
        }
    }

    public int dims() {
        return experts.get(0).inputDim();
    }

    public int hidden() {
        return experts.get(0).hiddenDim();
    }

    public int expertCount() {
        return experts.size();
    }

    public long parameters() {
        long p = gateWeight.values().length + gateBias.values().length;
        for (FfnWeights e : experts) {
            p += e.w1().values().length + e.b1().values().length + e.w2().values().length + e.b2().values().length;
        }
        return p;
    }

    /**
     * Appends mean pooling and this block to an encoder graph whose output {@code tokenStates} is
     * [batch, tokens, d]; the graph's outputs become {@link #OUTPUT} [batch, d] and {@link #GATE_OUTPUT} [batch, N].
     */
    public void appendTo(OnnxGraph graph, String tokenStates, String attentionMask) {
        appendTo(graph, tokenStates, attentionMask, org.scimoe.bundle.Pooling.MEAN);
    }

    /** As above, pooling as the base bundle does: mean over the kept tokens, or the first token's state (CLS). */
    public void appendTo(OnnxGraph graph, String tokenStates, String attentionMask, org.scimoe.bundle.Pooling basePooling) {
        String s = "/sbmoe";
        int n = expertCount();
        // the same pooling the engine applies to the base's token outputs
        String pooled = switch (basePooling) {
            case MEAN -> graph.meanPool(s + "/pool", tokenStates, attentionMask);
            // token 0 of [batch, tokens, d]: Gather with index [0] keeps a length-1 axis, summed away
            case CLS -> graph.reduceSum(s + "/pool", graph.op("Gather", s + "/cls", List.of(tokenStates,
                    graph.int64Constant(s + "/cls/index", 0)), OnnxGraph.integer("axis", 1)), 1, false);
            default -> throw new IllegalArgumentException("an SB-MoE block pools by mean or CLS, not " + basePooling);
        };

        String logits = graph.op("Add", s + "/gate", List.of(
                graph.op("MatMul", s + "/gate", List.of(pooled, graph.constant(s + "/gate/weight", gateWeight))),
                graph.constant(s + "/gate/bias", gateBias)));
        graph.opNamed("Softmax", GATE_OUTPUT, List.of(logits), OnnxGraph.integer("axis", 1));

        // All experts at once: first layers side by side [d, N*hidden], second layers as a batched MatMul [N, hidden, d].
        FloatTensor w1 = FloatTensor.concatColumns(experts.stream().map(FfnWeights::w1).toList());
        FloatTensor b1 = FloatTensor.concat(experts.stream().map(FfnWeights::b1).toList());
        FloatTensor w2 = FloatTensor.stack(experts.stream().map(FfnWeights::w2).toList());
        FloatTensor b2 = FloatTensor.stack(experts.stream().map(FfnWeights::b2).toList()).reshape(n, 1, dims());
        String h = graph.op("Add", s + "/experts", List.of(
                graph.op("MatMul", s + "/experts", List.of(pooled, graph.constant(s + "/experts/w1", w1))),
                graph.constant(s + "/experts/b1", b1)));
        h = graph.gelu(s + "/experts/gelu", h);
        h = graph.op("Reshape", s + "/experts", List.of(h, graph.int64Constant(s + "/experts/shape", -1, n, hidden())));
        h = graph.op("Transpose", s + "/experts", List.of(h), OnnxGraph.ints("perm", 1, 0, 2));
        String y = graph.op("Add", s + "/experts", List.of(
                graph.op("MatMul", s + "/experts", List.of(h, graph.constant(s + "/experts/w2", w2))),
                graph.constant(s + "/experts/b2", b2)));
        y = graph.op("Transpose", s + "/experts", List.of(y), OnnxGraph.ints("perm", 1, 0, 2)); // [batch, N, d]

        String weights = GATE_OUTPUT;
        if (pooling == GatePooling.TOP1) {
            String best = graph.op("ArgMax", s + "/top1", List.of(GATE_OUTPUT), OnnxGraph.integer("axis", 1), OnnxGraph.integer("keepdims", 0));
            String oneHot = graph.op("OneHot", s + "/top1", List.of(best, graph.int64Constant(s + "/top1/depth", n),
                    graph.constant(s + "/top1/values", new FloatTensor(new long[] {2}, new float[] {0f, 1f}))), OnnxGraph.integer("axis", -1));
            weights = graph.op("Mul", s + "/top1", List.of(oneHot, GATE_OUTPUT));
        }
        String mixed = graph.reduceSum(s + "/mix", graph.op("Mul", s + "/mix", List.of(y, graph.unsqueeze(s + "/mix", weights, 2))), 1, false);
        graph.opNamed(residual ? "Add" : "Identity", OUTPUT, residual ? List.of(pooled, mixed) : List.of(mixed));

        graph.removeOutputs();
        graph.addFloatOutput(OUTPUT, "batch_size", dims());
        graph.addFloatOutput(GATE_OUTPUT, "batch_size", n);
    }
}

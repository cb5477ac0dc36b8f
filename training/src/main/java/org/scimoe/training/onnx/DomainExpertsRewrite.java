package org.scimoe.training.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.scimoe.ScimoeException;

/**
 * Turns the feed-forward block of chosen BERT layers into one expert per domain, selected by an
 * int64 {@code [batch]} graph input (the domain id, BUNDLE-FORMAT.md "routing: domain").
 *
 * <p>Sparse by construction: each expert's four weight tensors are stacked ({@code w1 → [E, in,
 * hidden]}) and a {@code Gather} on the domain id picks one row's expert per text, so the batched
 * MatMul that follows runs only the routed expert — the other experts cost memory, not compute.
 * The rest of the layer (attention, residual, LayerNorm) is left as the exporter wrote it.
 */
public final class DomainExpertsRewrite {
    private DomainExpertsRewrite() {}

    /**
     * @param routingInput     name of the new int64 [batch] input (e.g. {@code domain_id})
     * @param attentionMask    the graph's int64 attention-mask input (the router pools under it)
     * @param expertsByLayer   per layer, the experts in expert-id order; all layers need the same count
     * @param router           null, or a router for texts fed with domain id -1 (its probabilities
     *                         become the output {@link DomainRouter#OUTPUT})
     */
    public static void apply(BertGraph bert, String routingInput, String attentionMask, Map<Integer, List<FfnWeights>> expertsByLayer,
                             DomainRouter router) {
        if (expertsByLayer.isEmpty()) {
            throw new ScimoeException("no layer to extend with experts");
        }
        int experts = expertsByLayer.values().iterator().next().size();
        OnnxGraph graph = bert.graph();
        graph.addInt64Input(routingInput, "batch_size");
        String expertIds = routingInput;
        if (router != null) {
            if (router.domains() != experts) {
                throw new ScimoeException("the router knows " + router.domains() + " domains, the layers have " + experts + " experts");
            }
            int first = expertsByLayer.keySet().stream().mapToInt(Integer::intValue).min().orElseThrow();
            expertIds = addRouter(bert, routingInput, attentionMask, first, router);
        }
        for (var entry : expertsByLayer.entrySet()) {
            int layer = entry.getKey();
            bert.checkLayer(layer);
            List<FfnWeights> list = entry.getValue();
            if (list.size() != experts || experts < 1) {
                throw new ScimoeException("layer " + layer + " has " + list.size() + " experts, other layers " + experts);
            }
            String scope = "/moe/layer." + layer;
            String path = "/" + BertGraph.layerPath(layer);
            BertGraph.Linear in = bert.ffnIn(layer);
            BertGraph.Linear out = bert.ffnOut(layer);
            routeWeight(graph, scope + "/w1", path + "/intermediate/dense/MatMul", in.weight(), stack(list, FfnWeights::w1), expertIds, false);
            routeWeight(graph, scope + "/b1", path + "/intermediate/dense/Add", in.bias(), stack(list, FfnWeights::b1), expertIds, true);
            routeWeight(graph, scope + "/w2", path + "/output/dense/MatMul", out.weight(), stack(list, FfnWeights::w2), expertIds, false);
            routeWeight(graph, scope + "/b2", path + "/output/dense/Add", out.bias(), stack(list, FfnWeights::b2), expertIds, true);
        }
        graph.removeUnusedInitializers();
    }

    /**
     * The router on the mean-pooled states entering {@code layer}: probabilities out as {@link DomainRouter#OUTPUT};
     * returns the expert ids to gather with — the caller's id, or the router's argmax where the caller gave -1.
     */
    private static String addRouter(BertGraph bert, String routingInput, String attentionMask, int layer, DomainRouter router) {
        OnnxGraph graph = bert.graph();
        String s = "/moe/router";
        String pooled = graph.meanPool(s + "/pool", bert.layerInput(layer), attentionMask);
        String logits = graph.op("Add", s, List.of(graph.op("MatMul", s, List.of(pooled, graph.constant(s + "/weight", router.weight()))),
                graph.constant(s + "/bias", router.bias())));
        graph.opNamed("Softmax", DomainRouter.OUTPUT, List.of(logits), OnnxGraph.integer("axis", 1));
        graph.addFloatOutput(DomainRouter.OUTPUT, "batch_size", router.domains());
        String choice = graph.op("ArgMax", s, List.of(DomainRouter.OUTPUT), OnnxGraph.integer("axis", 1), OnnxGraph.integer("keepdims", 0));
        String unrouted = graph.op("Less", s, List.of(routingInput, graph.int64Constant(s + "/zero", 0)));
        return graph.op("Where", s, List.of(unrouted, choice, routingInput));
    }

    /** Stacked experts → Gather by domain id → (bias: [batch, 1, n] to broadcast over tokens) → the node's input. */
    private static void routeWeight(OnnxGraph graph, String name, String node, String oldInput, FloatTensor stacked,
                                    String routingInput, boolean bias) {
        String stack = graph.constant(name, stacked);
        String picked = graph.op("Gather", name, List.of(stack, routingInput), OnnxGraph.integer("axis", 0));
        if (bias) {
            picked = graph.unsqueeze(name, picked, 1);
        }
        graph.replaceNodeInput(node, oldInput, picked);
    }

    private static FloatTensor stack(List<FfnWeights> experts, Function<FfnWeights, FloatTensor> part) {
        List<FloatTensor> parts = new ArrayList<>();
        experts.forEach(e -> parts.add(part.apply(e)));
        return FloatTensor.stack(parts);
    }
}

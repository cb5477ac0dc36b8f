package org.scimoe.training.onnx;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.scimoe.ScimoeException;

/**
 * A HuggingFace BERT-family encoder exported to ONNX by PyTorch (MiniLM, BGE, E5): finds its
 * layers and linear modules by the node names the exporter writes ({@code /encoder/layer.3/
 * intermediate/dense/MatMul} + {@code .../Add}). The MatMul weights are anonymous initializers
 * ({@code onnx::MatMul_837}, stored [in, out]), so a module's weight is found through its node.
 */
public final class BertGraph {
    private static final Pattern LAYER = Pattern.compile("^/encoder/layer\\.(\\d+)/");

    /** The names of one linear module's weight [in, out] and bias [out] initializers. */
    public record Linear(String weight, String bias) {}

    private final OnnxGraph graph;
    private final int layers;

    public BertGraph(OnnxGraph graph) {
        this.graph = graph;
        int max = -1;
        for (var node : graph.nodes()) {
            Matcher m = LAYER.matcher(node.getName());
            if (m.find()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        if (max < 0) {
            throw new ScimoeException("not a BERT-style ONNX export: no node is named /encoder/layer.N/...");
        }
        this.layers = max + 1;
    }

    public OnnxGraph graph() {
        return graph;
    }

    public int layers() {
        return layers;
    }

    /** A linear module by its path, e.g. {@code encoder/layer.3/intermediate/dense}. */
    public Linear linear(String modulePath) {
        String prefix = "/" + modulePath + "/";
        return new Linear(graph.initializerInputOf(prefix + "MatMul"), graph.initializerInputOf(prefix + "Add"));
    }

    /** The token states [batch, tokens, d] a layer reads (the previous layer's output, or the embeddings'). */
    public String layerInput(int layer) {
        checkLayer(layer);
        return graph.requireNode("/" + layerPath(layer) + "/attention/self/query/MatMul").getInput(0);
    }

    public Linear ffnIn(int layer) {
        return linear(layerPath(layer) + "/intermediate/dense");
    }

    public Linear ffnOut(int layer) {
        return linear(layerPath(layer) + "/output/dense");
    }

    /** The feed-forward block of one layer, as the graph holds it now. */
    public FfnWeights ffn(int layer) {
        Linear in = ffnIn(layer);
        Linear out = ffnOut(layer);
        return new FfnWeights(graph.initializer(in.weight()), graph.initializer(in.bias()),
                graph.initializer(out.weight()), graph.initializer(out.bias()));
    }

    /** Overwrites one layer's feed-forward weights in place (a dense model, no routing). */
    public void setFfn(int layer, FfnWeights weights) {
        FfnWeights current = ffn(layer);
        if (!java.util.Arrays.equals(current.w1().shape(), weights.w1().shape())
                || !java.util.Arrays.equals(current.w2().shape(), weights.w2().shape())) {
            throw new ScimoeException("layer " + layer + " FFN shapes differ from the graph's");
        }
        Linear in = ffnIn(layer);
        Linear out = ffnOut(layer);
        graph.setInitializer(in.weight(), weights.w1());
        graph.setInitializer(in.bias(), weights.b1());
        graph.setInitializer(out.weight(), weights.w2());
        graph.setInitializer(out.bias(), weights.b2());
    }

    public void checkLayer(int layer) {
        if (layer < 0 || layer >= layers) {
            throw new ScimoeException("layer " + layer + " does not exist; the encoder has layers 0.." + (layers - 1));
        }
    }

    public static String layerPath(int layer) {
        return "encoder/layer." + layer;
    }
}

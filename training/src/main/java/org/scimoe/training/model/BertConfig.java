package org.scimoe.training.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.scimoe.ScimoeException;
import org.scimoe.training.onnx.BertGraph;
import org.scimoe.training.onnx.FfnWeights;
import org.scimoe.training.onnx.OnnxGraph;

/**
 * The shape of a BERT encoder, read from its ONNX export so that the trainer's model is the graph's
 * model: sizes from the initializers, the head count from the constant the exporter reshapes the
 * keys with, LayerNorm's epsilon from the constant its decomposition adds.
 */
public record BertConfig(int vocab, int maxPositions, int typeVocab, int hidden, int heads, int intermediate, int layers, float eps) {

    public BertConfig {
        if (heads < 1 || hidden % heads != 0) {
            throw new ScimoeException("hidden size " + hidden + " does not split into " + heads + " heads");
        }
    }

    public int headSize() {
        return hidden / heads;
    }

    public static BertConfig read(BertGraph bert) {
        OnnxGraph g = bert.graph();
        long[] words = g.initializer("embeddings.word_embeddings.weight").shape();
        long[] positions = g.initializer("embeddings.position_embeddings.weight").shape();
        long[] types = g.initializer("embeddings.token_type_embeddings.weight").shape();
        FfnWeights ffn = bert.ffn(0);
        int heads = (int) constantValue(g, concatInput(g, "/encoder/layer.0/attention/self/Concat", 2));
        float eps = (float) constantValue(g, "/embeddings/LayerNorm/Constant_1_output_0");
        return new BertConfig((int) words[0], (int) positions[0], (int) types[0], (int) words[1], heads, ffn.hiddenDim(), bert.layers(), eps);
    }

    private static String concatInput(OnnxGraph g, String node, int index) {
        return g.requireNode(node).getInput(index);
    }

    /** The single number held by a Constant node's output (the exporter writes sizes and epsilons this way). */
    private static double constantValue(OnnxGraph g, String output) {
        for (NodeProto n : g.nodes()) {
            if (n.getOpType().equals("Constant") && n.getOutputList().contains(output)) {
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.getName().equals("value")) {
                        return scalar(a.getT());
                    }
                }
            }
        }
        throw new ScimoeException("cannot read the encoder's configuration: no Constant node produces '" + output + "'");
    }

    private static double scalar(TensorProto t) {
        var raw = t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return switch (t.getDataType()) {
            case TensorProto.DataType.INT64_VALUE -> t.getInt64DataCount() > 0 ? t.getInt64Data(0) : raw.getLong();
            case TensorProto.DataType.FLOAT_VALUE -> t.getFloatDataCount() > 0 ? t.getFloatData(0) : raw.getFloat();
            case TensorProto.DataType.DOUBLE_VALUE -> t.getDoubleDataCount() > 0 ? t.getDoubleData(0) : raw.getDouble();
            default -> throw new ScimoeException("unexpected constant type " + t.getDataType() + " in the encoder graph");
        };
    }
}

package org.scimoe.training.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scimoe.training.onnx.BertGraph;
import org.scimoe.training.onnx.FloatTensor;
import org.scimoe.training.onnx.OnnxGraph;

/**
 * Moves a BERT encoder's weights between its ONNX graph and a {@link ParameterStore}. Parameters
 * take HuggingFace's names ({@code encoder.layer.3.attention.self.query.weight}); linear weights keep
 * the graph's [in, out] layout, so values go both ways unchanged. Each name maps to the initializer
 * that holds it in the graph (the MatMul weights there are anonymous, found through their nodes).
 */
public final class EncoderWeights {
    public static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
    public static final String POSITION_EMBEDDINGS = "embeddings.position_embeddings.weight";
    public static final String TYPE_EMBEDDINGS = "embeddings.token_type_embeddings.weight";
    public static final String EMBEDDINGS_NORM = "embeddings.LayerNorm";

    /** The linear modules of one layer, as HuggingFace names them. */
    static final List<String> LINEARS = List.of("attention.self.query", "attention.self.key", "attention.self.value",
            "attention.output.dense", "intermediate.dense", "output.dense");
    static final List<String> NORMS = List.of("attention.output.LayerNorm", "output.LayerNorm");

    private EncoderWeights() {}

    public static String layer(int layer, String module) {
        return "encoder.layer." + layer + "." + module;
    }

    /** Parameter name → initializer name, for every weight of the encoder. */
    public static Map<String, String> initializerNames(BertGraph bert) {
        Map<String, String> names = new LinkedHashMap<>();
        for (String p : List.of(WORD_EMBEDDINGS, POSITION_EMBEDDINGS, TYPE_EMBEDDINGS, EMBEDDINGS_NORM + ".weight", EMBEDDINGS_NORM + ".bias")) {
            names.put(p, p);
        }
        for (int l = 0; l < bert.layers(); l++) {
            for (String module : LINEARS) {
                BertGraph.Linear linear = bert.linear(BertGraph.layerPath(l) + "/" + module.replace('.', '/'));
                names.put(layer(l, module) + ".weight", linear.weight());
                names.put(layer(l, module) + ".bias", linear.bias());
            }
            for (String norm : NORMS) {
                names.put(layer(l, norm) + ".weight", layer(l, norm) + ".weight");
                names.put(layer(l, norm) + ".bias", layer(l, norm) + ".bias");
            }
        }
        return names;
    }

    /**
     * Loads every encoder weight into the store as a PRETRAINED parameter.
     *
     * @param trainEncoder         whether the encoder's weights train at all
     * @param trainWordEmbeddings  whether the 30522 × 384 word embeddings train (a dense gradient that size is costly)
     */
    public static void load(BertGraph bert, ParameterStore store, boolean trainEncoder, boolean trainWordEmbeddings) {
        OnnxGraph graph = bert.graph();
        initializerNames(bert).forEach((param, initializer) -> {
            boolean trainable = trainEncoder && (trainWordEmbeddings || !param.equals(WORD_EMBEDDINGS));
            store.add(param, graph.initializer(initializer), ParamGroup.PRETRAINED, trainable);
        });
    }

    /**
     * The trained encoder weights by initializer name: every trainable one (frozen ones still hold
     * the graph's values). Parameters the store no longer has (a dense FFN replaced by experts) are
     * left out, for the rewrite that replaces them.
     *
     * @param initializerNames {@link #initializerNames} of the graph the store was loaded from
     */
    public static Map<String, FloatTensor> trained(ParameterStore store, Map<String, String> initializerNames) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        initializerNames.forEach((param, initializer) -> {
            if (store.has(param) && store.param(param).trainable()) {
                out.put(initializer, store.value(param));
            }
        });
        return out;
    }

    /** Writes the {@link #trained} weights into the graph's initializers. */
    public static void writeBack(ParameterStore store, BertGraph bert) {
        trained(store, initializerNames(bert)).forEach(bert.graph()::setInitializer);
    }
}

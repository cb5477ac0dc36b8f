package org.scimoe.training.model;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.scimoe.ScimoeException;
import org.scimoe.training.onnx.FfnWeights;
import org.scimoe.training.onnx.FloatTensor;

/**
 * The FFN of chosen layers as one expert per domain, routed per row by a domain id. Each layer's
 * experts are kept stacked ({@code w1 [E, in, hidden]}, {@code b1 [E, hidden]}, ...) — the layout the
 * exported graph gathers from — and each row picks its expert's slice, so a row only runs its own
 * expert. All experts start as copies of the pretrained FFN, so the untrained model is the base model.
 */
final class DomainExperts {
    private final ParameterStore params;
    private final Set<Integer> layers;
    private final int experts;

    private DomainExperts(ParameterStore params, Set<Integer> layers, int experts) {
        this.params = params;
        this.layers = layers;
        this.experts = experts;
    }

    static String name(int layer, String part) {
        return "moe.layer." + layer + "." + part;
    }

    /** Replaces the dense FFN parameters of {@code layers} in the store by {@code experts} copies of them. */
    static DomainExperts create(ParameterStore params, Set<Integer> layers, int experts) {
        if (experts < 1) {
            throw new ScimoeException("a domain-routed model needs at least one domain");
        }
        for (int l : layers) {
            Map<String, String> dense = denseNames(l);
            for (var e : dense.entrySet()) {
                FloatTensor pretrained = params.value(e.getValue());
                List<FloatTensor> copies = new ArrayList<>();
                for (int i = 0; i < experts; i++) {
                    copies.add(pretrained);
                }
                params.add(name(l, e.getKey()), FloatTensor.stack(copies), ParamGroup.NEW, true);
                params.remove(e.getValue());
            }
        }
        return new DomainExperts(params, new TreeSet<>(layers), experts);
    }

    private static Map<String, String> denseNames(int l) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("w1", EncoderWeights.layer(l, "intermediate.dense.weight"));
        m.put("b1", EncoderWeights.layer(l, "intermediate.dense.bias"));
        m.put("w2", EncoderWeights.layer(l, "output.dense.weight"));
        m.put("b2", EncoderWeights.layer(l, "output.dense.bias"));
        return m;
    }

    boolean covers(int layer) {
        return layers.contains(layer);
    }

    Set<Integer> layers() {
        return layers;
    }

    int experts() {
        return experts;
    }

    /**
     * x [rows, tokens, in] → each row through its own expert: [rows, tokens, out]. A batch of one
     * domain uses that expert's weights directly; a mixed one gathers a weight copy per row.
     */
    NDArray forward(int layer, NDArray x, DomainIds domains) {
        if (domains == null) {
            throw new ScimoeException("the domain-routed model needs a domain id per text");
        }
        long single = domains.uniform();
        if (single >= 0) {
            NDArray h = Ops.gelu(Ops.linear(x, params.get(name(layer, "w1")).get(single), params.get(name(layer, "b1")).get(single)));
            return Ops.linear(h, params.get(name(layer, "w2")).get(single), params.get(name(layer, "b2")).get(single));
        }
        NDArray ids = domains.array();
        NDArray w1 = params.get(name(layer, "w1")).get(ids);             // [rows, in, hidden]
        NDArray b1 = params.get(name(layer, "b1")).get(ids).expandDims(1); // [rows, 1, hidden]
        NDArray w2 = params.get(name(layer, "w2")).get(ids);
        NDArray b2 = params.get(name(layer, "b2")).get(ids).expandDims(1);
        NDArray h = Ops.gelu(x.matMul(w1).add(b1));
        return h.matMul(w2).add(b2);
    }

    /** Per layer, the experts' current weights in expert-id order (what the export writes). */
    Map<Integer, List<FfnWeights>> weights() {
        Map<Integer, List<FfnWeights>> out = new LinkedHashMap<>();
        for (int l : layers) {
            FloatTensor w1 = params.value(name(l, "w1"));
            FloatTensor b1 = params.value(name(l, "b1"));
            FloatTensor w2 = params.value(name(l, "w2"));
            FloatTensor b2 = params.value(name(l, "b2"));
            List<FfnWeights> list = new ArrayList<>();
            for (int e = 0; e < experts; e++) {
                list.add(new FfnWeights(slice(w1, e), slice(b1, e), slice(w2, e), slice(b2, e)));
            }
            out.put(l, list);
        }
        return out;
    }

    /** Row {@code i} of a stacked tensor [E, ...]. */
    static FloatTensor slice(FloatTensor stacked, int i) {
        long[] shape = java.util.Arrays.copyOfRange(stacked.shape(), 1, stacked.rank());
        int each = stacked.values().length / (int) stacked.dim(0);
        return new FloatTensor(shape, java.util.Arrays.copyOfRange(stacked.values(), i * each, (i + 1) * each));
    }
}

package org.scimoe.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.scimoe.bundle.BundleException;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.bundle.OutputKind;

/**
 * What a plain encoder graph's signature says about feeding it: which inputs are the token ids,
 * attention mask and token types, which output holds the embedding, of what kind and width. The
 * inverse of {@link GraphContract}: it fills in a manifest instead of checking one. A graph the engine
 * cannot serve is refused with every reason at once.
 */
public record GraphSignature(BundleManifest.Inputs inputs, BundleManifest.Output output, int dimensions) {
    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";

    /** @param outputName the output to use, or null to take the only float output of rank 3 (else rank 2) */
    public static GraphSignature infer(OrtSession session, String outputName) {
        GraphIo graph = GraphIo.of(session, "");
        Map<String, NodeInfo> inputs = graph.inputs();
        Map<String, NodeInfo> outputs = graph.outputs();
        List<String> problems = new ArrayList<>();
        String ids = null;
        String mask = null;
        String types = null;
        List<String> seen = new ArrayList<>(); // roles present, even when badly typed
        for (Map.Entry<String, NodeInfo> in : inputs.entrySet()) {
            String name = in.getKey();
            String role = roleOf(name);
            if (role == null) {
                problems.add("input '" + name + "' is none of " + INPUT_IDS + ", " + ATTENTION_MASK + ", " + TOKEN_TYPE_IDS
                        + ": the engine feeds only these");
                continue;
            }
            seen.add(role);
            if (!(in.getValue().getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.INT64 || t.getShape().length != 2) {
                problems.add("input '" + name + "' must be an int64 [batch, tokens] tensor, the graph has " + describe(in.getValue()));
                continue;
            }
            switch (role) {
                case INPUT_IDS -> ids = name;
                case ATTENTION_MASK -> mask = name;
                default -> types = name;
            }
        }
        if (!seen.contains(INPUT_IDS)) {
            problems.add("the graph has no token input (" + INPUT_IDS + "); its inputs are " + inputs.keySet());
        }
        if (!seen.contains(ATTENTION_MASK)) {
            problems.add("the graph has no " + ATTENTION_MASK + " input; its inputs are " + inputs.keySet());
        }
        String out = outputName != null ? outputName : pickOutput(outputs, problems);
        OutputKind kind = null;
        int width = 0;
        if (out != null) {
            NodeInfo info = outputs.get(out);
            if (info == null) {
                problems.add("--output '" + out + "' is not an output of the graph " + outputs.keySet());
            } else if (!(info.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT
                    || (t.getShape().length != 2 && t.getShape().length != 3)) {
                problems.add("output '" + out + "' must be a float [batch, tokens, dims] or [batch, dims] tensor, the graph has "
                        + describe(info));
            } else {
                long[] shape = t.getShape();
                kind = shape.length == 3 ? OutputKind.TOKEN_EMBEDDINGS : OutputKind.SENTENCE_EMBEDDING;
                width = (int) shape[shape.length - 1];
                if (width <= 0) {
                    problems.add("output '" + out + "' has no fixed width (shape " + Arrays.toString(shape) + "): the bundle needs its dimensions");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new BundleException("the graph cannot be served as an encoder: " + String.join("; ", problems));
        }
        return new GraphSignature(new BundleManifest.Inputs(ids, mask, types), new BundleManifest.Output(out, kind), width);
    }

    /** Exact names first; exporters also write e.g. {@code input_ids:0}. */
    private static String roleOf(String name) {
        for (String role : List.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS)) {
            if (name.equals(role) || name.startsWith(role + ":")) {
                return role;
            }
        }
        return null;
    }

    private static String pickOutput(Map<String, NodeInfo> outputs, List<String> problems) {
        for (int rank : new int[] {3, 2}) {
            List<String> candidates = outputs.entrySet().stream()
                    .filter(e -> e.getValue().getInfo() instanceof TensorInfo t && t.type == OnnxJavaType.FLOAT && t.getShape().length == rank)
                    .map(Map.Entry::getKey).toList();
            if (candidates.size() == 1) {
                return candidates.get(0);
            }
            if (candidates.size() > 1) {
                problems.add("the graph has several float outputs of rank " + rank + " " + candidates + ": name the embedding with --output");
                return null;
            }
        }
        List<String> all = outputs.values().stream().map(GraphSignature::describe).toList();
        problems.add("the graph has no float output of shape [batch, tokens, dims] or [batch, dims]; its outputs are " + all);
        return null;
    }

    private static String describe(NodeInfo info) {
        if (info.getInfo() instanceof TensorInfo t) {
            return info.getName() + " " + t.type.name().toLowerCase() + " " + Arrays.toString(t.getShape());
        }
        return info.getName() + " " + info.getInfo();
    }
}

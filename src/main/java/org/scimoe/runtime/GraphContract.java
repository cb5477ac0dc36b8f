package org.scimoe.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.scimoe.bundle.BundleException;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.bundle.OutputKind;
import org.scimoe.bundle.Routing;

/**
 * Checks that an ONNX graph is the one its manifest describes: every input the engine feeds exists
 * with the right type and rank, the graph needs no input the engine does not feed, and the
 * embedding output has the manifest's rank and width. Reports every mismatch at once.
 */
public final class GraphContract {
    private GraphContract() {}

    public static void check(BundleManifest manifest, OrtSession session) {
        GraphIo graph = GraphIo.of(session, "bundle '" + manifest.name() + "': ");
        Map<String, NodeInfo> inputs = graph.inputs();
        Map<String, NodeInfo> outputs = graph.outputs();
        List<String> problems = new ArrayList<>();
        Set<String> fed = new LinkedHashSet<>();
        expectInput(inputs, manifest.inputs().inputIds(), 2, "inputs.inputIds", fed, problems);
        expectInput(inputs, manifest.inputs().attentionMask(), 2, "inputs.attentionMask", fed, problems);
        if (manifest.inputs().tokenTypeIds() != null) {
            expectInput(inputs, manifest.inputs().tokenTypeIds(), 2, "inputs.tokenTypeIds", fed, problems);
        }
        if (manifest.routing().mode() == Routing.Mode.DOMAIN) {
            expectInput(inputs, manifest.routing().input(), 1, "routing.input", fed, problems);
        }
        for (String name : inputs.keySet()) {
            if (!fed.contains(name)) {
                problems.add("the graph needs input '" + name + "' that the manifest does not describe");
            }
        }
        checkOutput(manifest, outputs, problems);
        if (manifest.routing().gateOutput() != null && !outputs.containsKey(manifest.routing().gateOutput())) {
            problems.add("routing.gateOutput '" + manifest.routing().gateOutput() + "' is not an output of the graph " + outputs.keySet());
        }
        if (manifest.routing().routerOutput() != null && !outputs.containsKey(manifest.routing().routerOutput())) {
            problems.add("routing.routerOutput '" + manifest.routing().routerOutput() + "' is not an output of the graph " + outputs.keySet());
        }
        if (!problems.isEmpty()) {
            throw new BundleException("bundle '" + manifest.name() + "' does not match its ONNX graph: " + String.join("; ", problems));
        }
    }

    private static void expectInput(Map<String, NodeInfo> inputs, String name, int rank, String field,
                                    Set<String> fed, List<String> problems) {
        NodeInfo info = inputs.get(name);
        if (info == null) {
            problems.add(field + " '" + name + "' is not an input of the graph " + inputs.keySet());
            return;
        }
        fed.add(name);
        if (!(info.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.INT64) {
            problems.add("input '" + name + "' must be an int64 tensor, the graph has " + info.getInfo());
        } else if (tensor.getShape().length != rank) {
            problems.add("input '" + name + "' must have rank " + rank + ", the graph has " + tensor.getShape().length);
        }
    }

    private static void checkOutput(BundleManifest manifest, Map<String, NodeInfo> outputs, List<String> problems) {
        String name = manifest.output().name();
        NodeInfo info = outputs.get(name);
        if (info == null) {
            problems.add("output.name '" + name + "' is not an output of the graph " + outputs.keySet());
            return;
        }
        if (!(info.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
            problems.add("output '" + name + "' must be a float tensor, the graph has " + info.getInfo());
            return;
        }
        long[] shape = tensor.getShape();
        int rank = manifest.output().kind() == OutputKind.TOKEN_EMBEDDINGS ? 3 : 2;
        if (shape.length != rank) {
            problems.add("output '" + name + "' has rank " + shape.length + " but output.kind "
                    + manifest.output().kind().name().toLowerCase() + " needs rank " + rank);
            return;
        }
        long width = shape[shape.length - 1];
        if (width > 0 && width != manifest.dimensions()) {
            problems.add("output '" + name + "' is " + width + "-dimensional but the manifest says dimensions " + manifest.dimensions());
        }
    }
}

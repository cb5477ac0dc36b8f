package org.scimoe.training.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.scimoe.ScimoeException;

/**
 * An ONNX model being edited: read it, look up nodes and initializers by name, swap weights, add
 * nodes, inputs and outputs, write it back. Node builders emit the form of each operator that the
 * graph's opset expects (Unsqueeze and ReduceSum took their axes as attributes before opset 13).
 */
public final class OnnxGraph {
    private final ModelProto.Builder model;
    private final GraphProto.Builder graph;
    private final long opset;
    private int fresh;

    private OnnxGraph(ModelProto proto) {
        this.model = proto.toBuilder();
        this.graph = model.getGraphBuilder();
        this.opset = proto.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(OperatorSetIdProto::getVersion).findFirst().orElse(0);
    }

    public static OnnxGraph read(Path file) {
        try {
            return new OnnxGraph(ModelProto.parseFrom(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new ScimoeException("cannot read ONNX graph " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the model; nodes are put in topological order first (ONNX requires it; edits append at the end). */
    public void write(Path file) {
        sortTopologically();
        try (OutputStream out = Files.newOutputStream(file)) {
            model.build().writeTo(out);
        } catch (IOException e) {
            throw new ScimoeException("cannot write ONNX graph " + file + ": " + e.getMessage(), e);
        }
    }

    public long opset() {
        return opset;
    }

    // ---- lookups ----

    public List<NodeProto> nodes() {
        return graph.getNodeList();
    }

    public Optional<NodeProto> node(String name) {
        return graph.getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst();
    }

    public NodeProto requireNode(String name) {
        return node(name).orElseThrow(() -> new ScimoeException("the graph has no node '" + name + "'"));
    }

    public boolean hasInitializer(String name) {
        return initializerIndex(name) >= 0;
    }

    public FloatTensor initializer(String name) {
        int i = initializerIndex(name);
        if (i < 0) {
            throw new ScimoeException("the graph has no initializer '" + name + "'");
        }
        return FloatTensor.fromProto(graph.getInitializer(i));
    }

    /** The one input of a node that is an initializer (a MatMul's weight, an Add's bias). */
    public String initializerInputOf(String nodeName) {
        List<String> found = requireNode(nodeName).getInputList().stream().filter(this::hasInitializer).toList();
        if (found.size() != 1) {
            throw new ScimoeException("node '" + nodeName + "' should read exactly one initializer, reads " + found);
        }
        return found.get(0);
    }

    public void setInitializer(String name, FloatTensor value) {
        int i = initializerIndex(name);
        if (i < 0) {
            graph.addInitializer(value.toProto(name));
        } else {
            graph.setInitializer(i, value.toProto(name));
        }
    }

    private int initializerIndex(String name) {
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            if (graph.getInitializer(i).getName().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    // ---- edits ----

    private void sortTopologically() {
        Set<String> available = new HashSet<>();
        available.add("");
        graph.getInputList().forEach(v -> available.add(v.getName()));
        graph.getInitializerList().forEach(t -> available.add(t.getName()));
        List<NodeProto> pending = new java.util.ArrayList<>(graph.getNodeList());
        List<NodeProto> sorted = new java.util.ArrayList<>(pending.size());
        while (!pending.isEmpty()) {
            int before = sorted.size();
            for (var it = pending.iterator(); it.hasNext(); ) {
                NodeProto node = it.next();
                if (available.containsAll(node.getInputList())) {
                    sorted.add(node);
                    available.addAll(node.getOutputList());
                    it.remove();
                }
            }
            if (sorted.size() == before) {
                throw new ScimoeException("the edited graph has a cycle or a dangling input at node '" + pending.get(0).getName()
                        + "' (reads " + pending.get(0).getInputList() + ")");
            }
        }
        graph.clearNode().addAllNode(sorted);
    }

    /** Makes node {@code nodeName} read {@code replacement} wherever it read {@code old}. */
    public void replaceNodeInput(String nodeName, String old, String replacement) {
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            if (node.getName().equals(nodeName)) {
                NodeProto.Builder b = node.toBuilder();
                boolean hit = false;
                for (int k = 0; k < b.getInputCount(); k++) {
                    if (b.getInput(k).equals(old)) {
                        b.setInput(k, replacement);
                        hit = true;
                    }
                }
                if (!hit) {
                    throw new ScimoeException("node '" + nodeName + "' does not read '" + old + "'");
                }
                graph.setNode(i, b);
                return;
            }
        }
        throw new ScimoeException("the graph has no node '" + nodeName + "'");
    }

    /**
     * Keeps only what the graph's outputs depend on: other nodes, initializers and inputs go (a probe
     * cut from a routed graph must not ask for the routing input it no longer reads).
     */
    public void pruneToOutputs() {
        Set<String> needed = new HashSet<>();
        graph.getOutputList().forEach(o -> needed.add(o.getName()));
        List<NodeProto> nodes = graph.getNodeList();
        boolean[] keep = new boolean[nodes.size()];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = nodes.size() - 1; i >= 0; i--) {
                if (!keep[i] && nodes.get(i).getOutputList().stream().anyMatch(needed::contains)) {
                    keep[i] = true;
                    needed.addAll(nodes.get(i).getInputList());
                    changed = true;
                }
            }
        }
        List<NodeProto> kept = new java.util.ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (keep[i]) {
                kept.add(nodes.get(i));
            }
        }
        graph.clearNode().addAllNode(kept);
        for (int i = graph.getInputCount() - 1; i >= 0; i--) {
            if (!needed.contains(graph.getInput(i).getName())) {
                graph.removeInput(i);
            }
        }
        removeUnusedInitializers();
    }

    /** Drops initializers no node reads any more (e.g. dense weights replaced by expert stacks). */
    public void removeUnusedInitializers() {
        Set<String> read = new HashSet<>();
        graph.getNodeList().forEach(n -> read.addAll(n.getInputList()));
        graph.getOutputList().forEach(o -> read.add(o.getName()));
        for (int i = graph.getInitializerCount() - 1; i >= 0; i--) {
            if (!read.contains(graph.getInitializer(i).getName())) {
                graph.removeInitializer(i);
            }
        }
    }

    public void addInt64Input(String name, String... dimParams) {
        graph.addInput(valueInfo(name, TensorProto.DataType.INT64_VALUE, dimParams));
    }

    public void addFloatOutput(String name, Object... dims) {
        graph.addOutput(valueInfo(name, TensorProto.DataType.FLOAT_VALUE, dims));
    }

    public void removeOutputs() {
        graph.clearOutput();
    }

    public List<String> outputNames() {
        return graph.getOutputList().stream().map(ValueInfoProto::getName).toList();
    }

    /** dims: a String is a symbolic dimension, a Number a fixed one. */
    private static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Number n) {
                dim.setDimValue(n.longValue());
            } else {
                dim.setDimParam(d.toString());
            }
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
                .build();
    }

    // ---- node builders: each returns the name of its output ----

    public String op(String opType, String scope, List<String> inputs, AttributeProto... attributes) {
        String name = scope + "/" + opType + "_" + (fresh++);
        String output = name + "_output";
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType).setName(name).addAllInput(inputs).addOutput(output);
        for (AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        graph.addNode(node);
        return output;
    }

    /** Adds a node whose output has a chosen name (a graph output, say). */
    public void opNamed(String opType, String output, List<String> inputs, AttributeProto... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType).setName(output + "/" + opType).addAllInput(inputs).addOutput(output);
        for (AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        graph.addNode(node);
    }

    public String constant(String name, FloatTensor value) {
        setInitializer(name, value);
        return name;
    }

    public String int64Constant(String name, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        int i = initializerIndex(name);
        if (i < 0) {
            graph.addInitializer(t);
        } else {
            graph.setInitializer(i, t);
        }
        return name;
    }

    public String unsqueeze(String scope, String input, long axis) {
        if (opset >= 13) {
            return op("Unsqueeze", scope, List.of(input, int64Constant(scope + "/axes_" + axis, axis)));
        }
        return op("Unsqueeze", scope, List.of(input), ints("axes", axis));
    }

    public String reduceSum(String scope, String input, long axis, boolean keepDims) {
        if (opset >= 13) {
            return op("ReduceSum", scope, List.of(input, int64Constant(scope + "/axes_" + axis, axis)), integer("keepdims", keepDims ? 1 : 0));
        }
        return op("ReduceSum", scope, List.of(input), ints("axes", axis), integer("keepdims", keepDims ? 1 : 0));
    }

    /** Mean of token states [batch, tokens, d] over the tokens the int64 mask [batch, tokens] keeps → [batch, d]. */
    public String meanPool(String scope, String states, String attentionMask) {
        String mask = unsqueeze(scope, op("Cast", scope, List.of(attentionMask), integer("to", 1)), 2);
        String summed = reduceSum(scope, op("Mul", scope, List.of(states, mask)), 1, false);
        String count = reduceSum(scope + "/count", mask, 1, false);
        count = op("Max", scope, List.of(count, constant(scope + "/eps", scalar(1e-9f))));
        return op("Div", scope, List.of(summed, count));
    }

    /** The exact GELU BERT uses: x · (1 + erf(x / √2)) / 2. */
    public String gelu(String scope, String x) {
        String scaled = op("Div", scope, List.of(x, constant(scope + "/sqrt2", scalar((float) Math.sqrt(2)))));
        String erf = op("Erf", scope, List.of(scaled));
        String onePlus = op("Add", scope, List.of(erf, constant(scope + "/one", scalar(1f))));
        String product = op("Mul", scope, List.of(x, onePlus));
        return op("Mul", scope, List.of(product, constant(scope + "/half", scalar(0.5f))));
    }

    public static FloatTensor scalar(float value) {
        return new FloatTensor(new long[0], new float[] {value});
    }

    public static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }
}

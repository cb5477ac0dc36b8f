package org.scimoe.training.export;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scimoe.ScimoeException;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.training.onnx.BertGraph;
import org.scimoe.training.onnx.DomainRouter;
import org.scimoe.training.onnx.FfnWeights;
import org.scimoe.training.onnx.FloatTensor;
import org.scimoe.training.onnx.OnnxGraph;
import org.scimoe.training.onnx.SbMoeHead;

/**
 * Rebuilds a trained bundle from its recipe, its tensor archive and the base bundle: the one path
 * by which the trainer exports and by which the build makes committed models into bundles, so
 * that what is committed is exactly what was evaluated.
 */
public final class MoeBundleBuilder {
    private MoeBundleBuilder() {}

    public static ModelBundle build(MoeRecipe recipe, Map<String, FloatTensor> tensors, ModelBundle base, Path out) {
        if (!base.manifest().modelSha256().equalsIgnoreCase(recipe.baseSha256())) {
            throw new ScimoeException("recipe '" + recipe.name() + "' was trained on " + recipe.baseBundle() + " with graph SHA-256 "
                    + recipe.baseSha256() + ", but the bundle found has " + base.manifest().modelSha256());
        }
        OnnxGraph graph = OnnxGraph.read(base.modelPath());
        tensors.forEach((name, value) -> {
            if (name.startsWith("encoder.")) {
                String initializer = name.substring("encoder.".length());
                if (!graph.hasInitializer(initializer)) {
                    throw new ScimoeException("tensor '" + name + "': the base graph has no initializer '" + initializer + "'");
                }
                graph.setInitializer(initializer, value);
            }
        });
        BundleExporter.Spec spec = new BundleExporter.Spec(recipe.name(), recipe.version(), recipe.description(), recipe.training());
        return switch (recipe.design()) {
            case SHARED -> BundleExporter.write(graph, base, spec, org.scimoe.bundle.Routing.NONE, base.manifest().output(), out);
            case DOMAIN_ROUTED -> {
                Map<Integer, List<FfnWeights>> experts = new LinkedHashMap<>();
                for (int layer : recipe.layers()) {
                    List<FfnWeights> list = new ArrayList<>();
                    for (int e = 0; e < recipe.domains().size(); e++) {
                        list.add(ffn(tensors, "layer." + layer + ".expert." + e));
                    }
                    experts.put(layer, list);
                }
                DomainRouter router = recipe.router() ? new DomainRouter(tensor(tensors, "router.weight"), tensor(tensors, "router.bias")) : null;
                yield MoeExports.domainRouted(graph, base, recipe.domains(), recipe.defaultDomain(), experts, router, spec, out);
            }
            case SB_MOE -> {
                List<FfnWeights> experts = new ArrayList<>();
                for (int e = 0; e < recipe.experts(); e++) {
                    experts.add(ffn(tensors, "sbmoe.expert." + e));
                }
                SbMoeHead head = new SbMoeHead(tensor(tensors, "sbmoe.gate.weight"), tensor(tensors, "sbmoe.gate.bias"), experts,
                        recipe.gatePooling(), recipe.residual());
                yield MoeExports.sbMoe(graph, base, head, spec, out);
            }
        };
    }

    /** Reads a model's tensor archive; delta-encoded tensors are resolved against the base bundle's graph. */
    public static Map<String, FloatTensor> readWeights(Path archive, ModelBundle base) {
        OnnxGraph[] graph = {null};
        return TensorArchive.read(archive, name -> {
            if (graph[0] == null) {
                graph[0] = OnnxGraph.read(base.modelPath());
            }
            return graph[0].hasInitializer(name) ? graph[0].initializer(name) : null;
        });
    }

    /** Writes a model's tensor archive; with DELTA_INT8, encoder weights and domain experts become int8 deltas to the base. */
    public static void writeWeights(Path archive, Map<String, FloatTensor> tensors, TensorArchive.DType dtype, ModelBundle base) {
        if (dtype != TensorArchive.DType.DELTA_INT8) {
            TensorArchive.write(archive, tensors, dtype);
            return;
        }
        OnnxGraph graph = OnnxGraph.read(base.modelPath());
        BertGraph bert = new BertGraph(graph);
        Map<String, String> references = new LinkedHashMap<>();
        java.util.regex.Pattern expert = java.util.regex.Pattern.compile("^layer\\.(\\d+)\\.expert\\.\\d+\\.(w1|b1|w2|b2)$");
        for (String name : tensors.keySet()) {
            if (name.startsWith("encoder.")) {
                references.put(name, name.substring("encoder.".length()));
                continue;
            }
            java.util.regex.Matcher m = expert.matcher(name);
            if (m.matches()) {
                int layer = Integer.parseInt(m.group(1));
                BertGraph.Linear linear = m.group(2).endsWith("1") ? bert.ffnIn(layer) : bert.ffnOut(layer);
                references.put(name, m.group(2).startsWith("w") ? linear.weight() : linear.bias()); // experts start as the pretrained FFN
            }
        }
        TensorArchive.write(archive, tensors, dtype, references, n -> graph.hasInitializer(n) ? graph.initializer(n) : null);
    }

    /** The archive's tensors for a domain-routed model (experts of each layer, router). */
    public static Map<String, FloatTensor> domainTensors(Map<Integer, List<FfnWeights>> experts, DomainRouter router) {
        Map<String, FloatTensor> t = new LinkedHashMap<>();
        experts.forEach((layer, list) -> {
            for (int e = 0; e < list.size(); e++) {
                putFfn(t, "layer." + layer + ".expert." + e, list.get(e));
            }
        });
        if (router != null) {
            t.put("router.weight", router.weight());
            t.put("router.bias", router.bias());
        }
        return t;
    }

    /** The archive's tensors for an SB-MoE head. */
    public static Map<String, FloatTensor> sbMoeTensors(SbMoeHead head) {
        Map<String, FloatTensor> t = new LinkedHashMap<>();
        t.put("sbmoe.gate.weight", head.gateWeight());
        t.put("sbmoe.gate.bias", head.gateBias());
        for (int e = 0; e < head.expertCount(); e++) {
            putFfn(t, "sbmoe.expert." + e, head.experts().get(e));
        }
        return t;
    }

    private static void putFfn(Map<String, FloatTensor> t, String prefix, FfnWeights w) {
        t.put(prefix + ".w1", w.w1());
        t.put(prefix + ".b1", w.b1());
        t.put(prefix + ".w2", w.w2());
        t.put(prefix + ".b2", w.b2());
    }

    private static FfnWeights ffn(Map<String, FloatTensor> tensors, String prefix) {
        return new FfnWeights(tensor(tensors, prefix + ".w1"), tensor(tensors, prefix + ".b1"), tensor(tensors, prefix + ".w2"),
                tensor(tensors, prefix + ".b2"));
    }

    private static FloatTensor tensor(Map<String, FloatTensor> tensors, String name) {
        FloatTensor t = tensors.get(name);
        if (t == null) {
            throw new ScimoeException("the weights archive has no tensor '" + name + "'");
        }
        return t;
    }
}

package org.scimoe.training.export;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scimoe.ScimoeException;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.OutputKind;
import org.scimoe.bundle.Routing;
import org.scimoe.training.onnx.BertGraph;
import org.scimoe.training.onnx.DomainExpertsRewrite;
import org.scimoe.training.onnx.DomainRouter;
import org.scimoe.training.onnx.FfnWeights;
import org.scimoe.training.onnx.OnnxGraph;
import org.scimoe.training.onnx.SbMoeHead;

/** The two MoE designs as bundles: domain-routed experts inside the encoder, and the SB-MoE block after it. */
public final class MoeExports {
    /** The int64 [batch] input that carries the domain's expert id. */
    public static final String DOMAIN_INPUT = "domain_id";
    static final String PROBE_OUTPUT = "pooled_layer_input";

    private MoeExports() {}

    /**
     * Domain-routed: the FFN of each given layer becomes one expert per domain (expert id = the
     * domain's position in {@code domains}). With a router (may be null), texts without a domain are
     * routed by it inside the graph.
     */
    public static ModelBundle domainRouted(ModelBundle base, List<String> domains, String defaultDomain,
                                           Map<Integer, List<FfnWeights>> expertsByLayer, DomainRouter router,
                                           BundleExporter.Spec spec, Path dir) {
        return domainRouted(OnnxGraph.read(base.modelPath()), base, domains, defaultDomain, expertsByLayer, router, spec, dir);
    }

    /** As above, on a graph already loaded (e.g. with fine-tuned shared weights written in); {@code base} gives the tokenizer and settings. */
    public static ModelBundle domainRouted(OnnxGraph graph, ModelBundle base, List<String> domains, String defaultDomain,
                                           Map<Integer, List<FfnWeights>> expertsByLayer, DomainRouter router,
                                           BundleExporter.Spec spec, Path dir) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (int i = 0; i < domains.size(); i++) {
            if (ids.putIfAbsent(domains.get(i), i) != null) {
                throw new ScimoeException("domain '" + domains.get(i) + "' is listed twice");
            }
        }
        expertsByLayer.forEach((layer, experts) -> {
            if (experts.size() != domains.size()) {
                throw new ScimoeException("layer " + layer + " has " + experts.size() + " experts for " + domains.size() + " domains");
            }
        });
        DomainExpertsRewrite.apply(new BertGraph(graph), DOMAIN_INPUT, base.manifest().inputs().attentionMask(), expertsByLayer, router);
        Routing routing = new Routing(Routing.Mode.DOMAIN, DOMAIN_INPUT, ids, defaultDomain, null, domains.size(), null,
                router == null ? null : DomainRouter.OUTPUT);
        return BundleExporter.write(graph, base, spec, routing, base.manifest().output(), dir);
    }

    /** SB-MoE: the base's pooling (mean or CLS), then the gated expert block; the bundle outputs sentence vectors and the gate's weights. */
    public static ModelBundle sbMoe(ModelBundle base, SbMoeHead head, BundleExporter.Spec spec, Path dir) {
        return sbMoe(OnnxGraph.read(base.modelPath()), base, head, spec, dir);
    }

    /** As above, on a graph already loaded (e.g. with a fine-tuned encoder written in). */
    public static ModelBundle sbMoe(OnnxGraph graph, ModelBundle base, SbMoeHead head, BundleExporter.Spec spec, Path dir) {
        BundleManifest b = base.manifest();
        if (b.output().kind() != OutputKind.TOKEN_EMBEDDINGS) {
            throw new ScimoeException("an SB-MoE block goes on an encoder that outputs token states; '" + b.name() + "' pools already");
        }
        head.appendTo(graph, b.output().name(), b.inputs().attentionMask(), b.pooling());
        Routing routing = new Routing(Routing.Mode.GATE, null, Map.of(), null, head.pooling(), head.expertCount(), SbMoeHead.GATE_OUTPUT, null);
        return BundleExporter.write(graph, base, spec, routing, new BundleManifest.Output(SbMoeHead.OUTPUT, OutputKind.SENTENCE_EMBEDDING), dir);
    }

    /**
     * A probe: the encoder cut to output the mean-pooled token states entering {@code layer}, un-normalised
     * — the vectors a domain router reads, computed by the engine like any bundle.
     */
    public static ModelBundle layerInputProbe(ModelBundle base, int layer, Path dir) {
        OnnxGraph graph = OnnxGraph.read(base.modelPath());
        BertGraph bert = new BertGraph(graph);
        graph.opNamed("Identity", PROBE_OUTPUT, List.of(graph.meanPool("/probe", bert.layerInput(layer), base.manifest().inputs().attentionMask())));
        graph.removeOutputs();
        graph.addFloatOutput(PROBE_OUTPUT, "batch_size", base.manifest().dimensions());
        graph.pruneToOutputs();
        return BundleExporter.write(graph, base, new BundleExporter.Spec(base.name() + "-probe-layer" + layer, "0", "pooled states entering layer " + layer, null),
                Routing.NONE, new BundleManifest.Output(PROBE_OUTPUT, OutputKind.SENTENCE_EMBEDDING), false, dir);
    }

    /** A dense encoder with some layers' FFN weights replaced (the reference a routed graph must equal, or a fine-tuned model). */
    public static ModelBundle withFfn(ModelBundle base, Map<Integer, FfnWeights> ffnByLayer, BundleExporter.Spec spec, Path dir) {
        OnnxGraph graph = OnnxGraph.read(base.modelPath());
        BertGraph bert = new BertGraph(graph);
        ffnByLayer.forEach(bert::setFfn);
        return BundleExporter.write(graph, base, spec, Routing.NONE, base.manifest().output(), dir);
    }
}

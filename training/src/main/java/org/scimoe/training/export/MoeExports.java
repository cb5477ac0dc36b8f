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
import org.scimoe.training.onnx.FfnWeights;
import org.scimoe.training.onnx.OnnxGraph;
import org.scimoe.training.onnx.SbMoeHead;

/** The two MoE designs as bundles: domain-routed experts inside the encoder, and the SB-MoE block after it. */
public final class MoeExports {
    /** The int64 [batch] input that carries the domain's expert id. */
    public static final String DOMAIN_INPUT = "domain_id";

    private MoeExports() {}

    /**
     * Domain-routed: the FFN of each given layer becomes one expert per domain (expert id = the
     * domain's position in {@code domains}).
     */
    public static ModelBundle domainRouted(ModelBundle base, List<String> domains, String defaultDomain,
                                           Map<Integer, List<FfnWeights>> expertsByLayer, BundleExporter.Spec spec, Path dir) {
        return domainRouted(base, OnnxGraph.read(base.modelPath()), domains, defaultDomain, expertsByLayer, spec, dir);
    }

    /** As above, on a graph already read from {@code base} (and perhaps carrying fine-tuned shared weights). */
    public static ModelBundle domainRouted(ModelBundle base, OnnxGraph graph, List<String> domains, String defaultDomain,
                                           Map<Integer, List<FfnWeights>> expertsByLayer, BundleExporter.Spec spec, Path dir) {
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
        DomainExpertsRewrite.apply(new BertGraph(graph), DOMAIN_INPUT, expertsByLayer);
        Routing routing = new Routing(Routing.Mode.DOMAIN, DOMAIN_INPUT, ids, defaultDomain, null, domains.size(), null);
        return BundleExporter.write(graph, base, spec, routing, base.manifest().output(), dir);
    }

    /** SB-MoE: mean pooling, then the gated expert block; the bundle outputs sentence vectors and the gate's weights. */
    public static ModelBundle sbMoe(ModelBundle base, SbMoeHead head, BundleExporter.Spec spec, Path dir) {
        return sbMoe(base, OnnxGraph.read(base.modelPath()), head, spec, dir);
    }

    /** As above, on a graph already read from {@code base} (and perhaps carrying fine-tuned encoder weights). */
    public static ModelBundle sbMoe(ModelBundle base, OnnxGraph graph, SbMoeHead head, BundleExporter.Spec spec, Path dir) {
        BundleManifest b = base.manifest();
        if (b.output().kind() != OutputKind.TOKEN_EMBEDDINGS) {
            throw new ScimoeException("an SB-MoE block goes on an encoder that outputs token states; '" + b.name() + "' pools already");
        }
        head.appendTo(graph, b.output().name(), b.inputs().attentionMask());
        Routing routing = new Routing(Routing.Mode.GATE, null, Map.of(), null, head.pooling(), head.expertCount(), SbMoeHead.GATE_OUTPUT);
        return BundleExporter.write(graph, base, spec, routing, new BundleManifest.Output(SbMoeHead.OUTPUT, OutputKind.SENTENCE_EMBEDDING), dir);
    }

    /** A dense encoder with some layers' FFN weights replaced (the reference a routed graph must equal, or a fine-tuned model). */
    public static ModelBundle withFfn(ModelBundle base, Map<Integer, FfnWeights> ffnByLayer, BundleExporter.Spec spec, Path dir) {
        OnnxGraph graph = OnnxGraph.read(base.modelPath());
        BertGraph bert = new BertGraph(graph);
        ffnByLayer.forEach(bert::setFfn);
        return BundleExporter.write(graph, base, spec, Routing.NONE, base.manifest().output(), dir);
    }
}

package org.scimoe.training.model;

import java.nio.file.Path;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.Routing;
import org.scimoe.training.export.BundleExporter;
import org.scimoe.training.export.MoeExports;
import org.scimoe.training.onnx.BertGraph;
import org.scimoe.training.onnx.OnnxGraph;

/**
 * A trained {@link MoeEncoder} as a bundle the engine serves: the base graph with every trained
 * encoder weight written back, then the variant's rewrite (domain experts gathered by domain id, or
 * the SB-MoE block after pooling).
 */
public final class ModelExport {
    private ModelExport() {}

    /**
     * @param defaultDomain for a domain-routed model, the domain used when a text names none (null: texts must name one)
     */
    public static ModelBundle write(MoeEncoder model, String defaultDomain, BundleExporter.Spec spec, Path dir) {
        ModelBundle base = model.base();
        OnnxGraph graph = OnnxGraph.read(base.modelPath());
        EncoderWeights.writeBack(model.parameters(), new BertGraph(graph));
        return switch (model.spec().variant()) {
            case SHARED -> BundleExporter.write(graph, base, spec, Routing.NONE, base.manifest().output(), dir);
            case DOMAIN_ROUTED -> MoeExports.domainRouted(base, graph, model.spec().domains(), defaultDomain, model.domainExperts(), spec, dir);
            case SB_MOE -> MoeExports.sbMoe(base, graph, model.sbMoeHead(), spec, dir);
        };
    }
}

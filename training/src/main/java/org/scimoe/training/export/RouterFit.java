package org.scimoe.training.export;

import java.nio.file.Path;
import java.util.List;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.Role;
import org.scimoe.training.onnx.DomainRouter;

/**
 * Fits a domain router for a domain-routed bundle: the engine computes, through a probe bundle cut
 * from the bundle's own graph, the pooled states entering the first expert layer for labelled
 * texts; the router is their nearest-centroid classifier.
 */
public final class RouterFit {
    /** The router and how often it picks the right domain on held-out texts. */
    public record Result(DomainRouter router, double heldOutAccuracy, int heldOut) {}

    private RouterFit() {}

    public static Result fit(ModelBundle routed, int firstExpertLayer, List<String> texts, int[] labels, List<String> heldOutTexts,
                             int[] heldOutLabels, EncoderOptions options, Path work) {
        ModelBundle probe = MoeExports.layerInputProbe(routed, firstExpertLayer, work.resolve("router-probe"));
        try (OnnxEncoder encoder = OnnxEncoder.load(probe, options)) {
            List<float[]> vectors = vectors(encoder, texts);
            int domains = routed.manifest().routing().domainNames().size();
            DomainRouter router = DomainRouter.nearestCentroid(vectors, labels, domains, 20f);
            int right = 0;
            List<float[]> held = vectors(encoder, heldOutTexts);
            for (int i = 0; i < held.size(); i++) {
                if (router.choose(held.get(i)) == heldOutLabels[i]) {
                    right++;
                }
            }
            return new Result(router, held.isEmpty() ? Double.NaN : (double) right / held.size(), held.size());
        }
    }

    private static List<float[]> vectors(OnnxEncoder encoder, List<String> texts) {
        return encoder.embed(texts.stream().map(EmbedInput::of).toList(), Role.DOCUMENT).stream().map(Embedding::vector).toList();
    }
}

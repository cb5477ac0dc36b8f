package org.scimoe.training.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.training.export.BundleExporter;
import org.scimoe.training.export.MoeBundleBuilder;
import org.scimoe.training.export.MoeRecipe;
import org.scimoe.training.export.TensorArchive;
import org.scimoe.training.onnx.FloatTensor;

/**
 * A trained {@link MoeEncoder} in the form the rest of the project builds bundles from: a
 * {@link MoeRecipe} and its tensors ({@code encoder.<initializer>} for each trained encoder weight,
 * the domain experts or the SB-MoE block), handed to {@link MoeBundleBuilder} — the one path from
 * trainer output or committed weights to a bundle.
 */
public final class ModelExport {
    /** The weights file {@link #save} writes next to the recipe. */
    public static final String WEIGHTS_FP16 = "weights.f16.gz";
    public static final String WEIGHTS_FP32 = "weights.f32.gz";

    private ModelExport() {}

    /** What training changed, named as {@link MoeRecipe} says. */
    public static Map<String, FloatTensor> tensors(MoeEncoder model) {
        Map<String, FloatTensor> t = new LinkedHashMap<>();
        model.trainedEncoderWeights().forEach((initializer, value) -> t.put("encoder." + initializer, value));
        switch (model.spec().variant()) {
            case DOMAIN_ROUTED -> t.putAll(MoeBundleBuilder.domainTensors(model.domainExperts(), null));
            case SB_MOE -> t.putAll(MoeBundleBuilder.sbMoeTensors(model.sbMoeHead()));
            case SHARED -> { }
        }
        return t;
    }

    /**
     * @param defaultDomain for a domain-routed model, the domain used when a text names none (null: texts must name one)
     * @param weightsFile   the tensor archive's file name, relative to the recipe
     */
    public static MoeRecipe recipe(MoeEncoder model, BundleExporter.Spec spec, String defaultDomain, String weightsFile) {
        ModelSpec s = model.spec();
        ModelBundle base = model.base();
        MoeRecipe.Design design = switch (s.variant()) {
            case SHARED -> MoeRecipe.Design.SHARED;
            case DOMAIN_ROUTED -> MoeRecipe.Design.DOMAIN_ROUTED;
            case SB_MOE -> MoeRecipe.Design.SB_MOE;
        };
        boolean sb = s.variant() == ModelSpec.Variant.SB_MOE;
        return new MoeRecipe(spec.name(), spec.version(), spec.description(), base.manifest().name(), base.manifest().modelSha256(), design,
                s.domains(), s.variant() == ModelSpec.Variant.DOMAIN_ROUTED ? defaultDomain : null,
                s.variant() == ModelSpec.Variant.DOMAIN_ROUTED ? new ArrayList<>(model.domainExperts().keySet()) : java.util.List.of(),
                false, sb ? s.sbMoe().pooling() : null, sb ? s.sbMoe().experts() : 0, !sb || s.sbMoe().residual(), weightsFile, spec.training());
    }

    /** The trained model straight to a bundle in {@code dir} (full precision). */
    public static ModelBundle write(MoeEncoder model, String defaultDomain, BundleExporter.Spec spec, Path dir) {
        return MoeBundleBuilder.build(recipe(model, spec, defaultDomain, WEIGHTS_FP32), tensors(model), model.base(), dir);
    }

    /** Writes {@code dir/scimoe-recipe.json} and its tensor archive, what the `export` command and committed models read. */
    public static MoeRecipe save(MoeEncoder model, BundleExporter.Spec spec, String defaultDomain, Path dir, TensorArchive.DType dtype) {
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new org.scimoe.ScimoeException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        String weights = dtype == TensorArchive.DType.FLOAT16 ? WEIGHTS_FP16 : WEIGHTS_FP32;
        MoeRecipe recipe = recipe(model, spec, defaultDomain, weights);
        TensorArchive.write(dir.resolve(weights), tensors(model), dtype);
        recipe.write(dir.resolve(MoeRecipe.FILE_NAME));
        return recipe;
    }
}

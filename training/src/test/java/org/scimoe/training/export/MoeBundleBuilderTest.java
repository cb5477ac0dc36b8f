package org.scimoe.training.export;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scimoe.ScimoeException;
import org.scimoe.TestBundles;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.Routing.GatePooling;
import org.scimoe.embed.Embedding;
import org.scimoe.training.onnx.BertGraph;
import org.scimoe.training.onnx.DomainRouter;
import org.scimoe.training.onnx.FfnWeights;
import org.scimoe.training.onnx.FloatTensor;
import org.scimoe.training.onnx.OnnxGraph;
import org.scimoe.training.onnx.SbMoeHead;

/** A trained model committed as recipe + fp16 archive rebuilds into the bundle the trainer exported. */
class MoeBundleBuilderTest {
    @TempDir
    Path tmp;

    @Test
    void archivesKeepNamesShapesAndValues() {
        FloatTensor t = new FloatTensor(new long[] {2, 3}, new float[] {0.1f, -2.5f, 3e-3f, 1000f, 0f, -0.25f});
        Path f32 = tmp.resolve("a.f32.gz");
        TensorArchive.write(f32, Map.of("x", t), TensorArchive.DType.FLOAT32);
        assertArrayEquals(t.values(), TensorArchive.read(f32).get("x").values());
        assertArrayEquals(t.shape(), TensorArchive.read(f32).get("x").shape());
        Path f16 = tmp.resolve("a.f16.gz");
        TensorArchive.write(f16, Map.of("x", t), TensorArchive.DType.FLOAT16);
        float[] back = TensorArchive.read(f16).get("x").values();
        for (int i = 0; i < back.length; i++) {
            assertEquals(t.values()[i], back[i], Math.abs(t.values()[i]) * 1e-3 + 1e-7);
        }
    }

    @Test
    void domainRoutedWithRouterAndSbMoeRebuildFromTheirArchives() {
        ModelBundle base = TestBundles.bundle(TestBundles.FP32);
        FfnWeights pretrained = new BertGraph(OnnxGraph.read(base.modelPath())).ffn(3);
        List<String> domains = List.of("aeronautics", "medicine");
        List<FfnWeights> experts = List.of(DomainRoutedBundleTest.perturbed(pretrained, 1), DomainRoutedBundleTest.perturbed(pretrained, 2));
        DomainRouter router = new DomainRouter(SbMoeBundleTest.random(new Random(3), 0.5, 384, 2), FloatTensor.zeros(2));
        ModelBundle direct = MoeExports.domainRouted(base, domains, null, Map.of(3, experts), router,
                new BundleExporter.Spec("direct", "1", null, null), tmp.resolve("direct"));

        Path weights = tmp.resolve("weights.f16.gz");
        TensorArchive.write(weights, MoeBundleBuilder.domainTensors(Map.of(3, experts), router), TensorArchive.DType.FLOAT16);
        MoeRecipe recipe = new MoeRecipe("rebuilt", "1.0.0", "test", base.name(), base.manifest().modelSha256(),
                MoeRecipe.Design.DOMAIN_ROUTED, domains, null, List.of(3), true, null, 0, true, "weights.f16.gz", null);
        recipe.write(tmp.resolve(MoeRecipe.FILE_NAME));
        MoeRecipe read = MoeRecipe.read(tmp.resolve(MoeRecipe.FILE_NAME));
        assertEquals(recipe, read);
        ModelBundle rebuilt = MoeBundleBuilder.build(read, TensorArchive.read(weights), base, tmp.resolve("rebuilt"));
        assertEquals("rebuilt", rebuilt.name());
        assertNotNull(rebuilt.manifest().routing().routerOutput());
        for (String domain : new String[] {"aeronautics", "medicine", null}) {
            assertClose(DomainRoutedBundleTest.embed(direct, domain), DomainRoutedBundleTest.embed(rebuilt, domain));
        }

        SbMoeHead head = SbMoeBundleTest.head(GatePooling.TOP1, true, 5);
        ModelBundle sbDirect = MoeExports.sbMoe(base, head, new BundleExporter.Spec("sb-direct", "1", null, null), tmp.resolve("sb-direct"));
        Path sbWeights = tmp.resolve("sb.f16.gz");
        TensorArchive.write(sbWeights, MoeBundleBuilder.sbMoeTensors(head), TensorArchive.DType.FLOAT16);
        MoeRecipe sbRecipe = new MoeRecipe("sb-rebuilt", "1.0.0", null, base.name(), base.manifest().modelSha256(), MoeRecipe.Design.SB_MOE,
                List.of(), null, List.of(), false, GatePooling.TOP1, head.expertCount(), true, "sb.f16.gz", null);
        ModelBundle sbRebuilt = MoeBundleBuilder.build(sbRecipe, TensorArchive.read(sbWeights), base, tmp.resolve("sb-rebuilt"));
        assertClose(DomainRoutedBundleTest.embed(sbDirect, null), DomainRoutedBundleTest.embed(sbRebuilt, null));
    }

    @Test
    void int8DeltasToTheBaseKeepFineTunedWeightsAtHalfTheSizeOfFp16() throws Exception {
        ModelBundle base = TestBundles.bundle(TestBundles.FP32);
        BertGraph bert = new BertGraph(OnnxGraph.read(base.modelPath()));
        FfnWeights expert = DomainRoutedBundleTest.perturbed(bert.ffn(3), 9); // moved by ~0.005, as training moves weights
        String attention = bert.linear("encoder/layer.1/attention/self/query").weight();
        FloatTensor tuned = OnnxGraph.read(base.modelPath()).initializer(attention);
        Random random = new Random(4);
        for (int i = 0; i < tuned.values().length; i++) {
            tuned.values()[i] += (float) (random.nextGaussian() * 1e-3);
        }
        Map<String, FloatTensor> tensors = new java.util.LinkedHashMap<>(MoeBundleBuilder.domainTensors(Map.of(3, List.of(expert)), null));
        tensors.put("encoder." + attention, tuned);
        Path delta = tmp.resolve("w.delta.gz");
        Path half = tmp.resolve("w.f16.gz");
        MoeBundleBuilder.writeWeights(delta, tensors, TensorArchive.DType.DELTA_INT8, base);
        MoeBundleBuilder.writeWeights(half, tensors, TensorArchive.DType.FLOAT16, base);
        Map<String, FloatTensor> back = MoeBundleBuilder.readWeights(delta, base);
        for (var e : tensors.entrySet()) {
            float[] want = e.getValue().values();
            float[] got = back.get(e.getKey()).values();
            double maxError = 0;
            for (int i = 0; i < want.length; i++) {
                maxError = Math.max(maxError, Math.abs(want[i] - got[i]));
            }
            assertTrue(maxError < 2e-4, e.getKey() + ": max error " + maxError);
        }
        assertTrue(java.nio.file.Files.size(delta) < 0.7 * java.nio.file.Files.size(half),
                java.nio.file.Files.size(delta) + " vs " + java.nio.file.Files.size(half));
        assertThrows(ScimoeException.class, () -> TensorArchive.read(delta), "a delta archive needs its base");
    }

    @Test
    void aRecipeForAnotherBaseGraphIsRefused() {
        ModelBundle base = TestBundles.bundle(TestBundles.FP32);
        MoeRecipe recipe = new MoeRecipe("x", "1", null, base.name(), "0".repeat(64), MoeRecipe.Design.SHARED, List.of(), null, List.of(),
                false, null, 0, true, "w", null);
        ScimoeException e = assertThrows(ScimoeException.class, () -> MoeBundleBuilder.build(recipe, Map.of(), base, tmp.resolve("x")));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    }

    /** fp16 weights move the vectors only slightly: cosine > 0.9999 and same routing. */
    private static void assertClose(List<Embedding> a, List<Embedding> b) {
        for (int i = 0; i < a.size(); i++) {
            double dot = 0;
            for (int k = 0; k < a.get(i).vector().length; k++) {
                dot += a.get(i).vector()[k] * b.get(i).vector()[k];
            }
            assertTrue(dot > 0.9999, "text " + i + " cosine " + dot);
            assertEquals(a.get(i).domain(), b.get(i).domain());
            assertEquals(a.get(i).expert(), b.get(i).expert());
        }
    }
}

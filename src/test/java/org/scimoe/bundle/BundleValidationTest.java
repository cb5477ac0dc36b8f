package org.scimoe.bundle;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scimoe.ScimoeException;
import org.scimoe.TestBundles;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.runtime.DeviceRequest;

class BundleValidationTest {
    @TempDir
    Path tmp;

    private static final EncoderOptions CPU = EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU).withThreads(1);

    /** A copy of the int8 bundle (graph linked, not copied) whose manifest is edited by {@code edit}. */
    private Path variant(String name, java.util.function.UnaryOperator<String> edit) throws IOException {
        ModelBundle real = TestBundles.bundle(TestBundles.INT8);
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.createSymbolicLink(dir.resolve("model.onnx"), real.modelPath().toAbsolutePath());
        Files.createSymbolicLink(dir.resolve("tokenizer.json"), real.tokenizerPath().toAbsolutePath());
        String manifest = Files.readString(real.directory().resolve(BundleManifest.FILE_NAME));
        Files.writeString(dir.resolve(BundleManifest.FILE_NAME), edit.apply(manifest));
        return dir;
    }

    @Test
    void builtBundlesLoadWithTheirDocumentedSettings() {
        BundleCatalog catalog = BundleCatalog.scan(List.of(TestBundles.root()));
        assertTrue(catalog.problems().isEmpty(), catalog.problems().toString());
        // the default (scimoe-minilm-cite) is built by onnx-models/trained, after this module: its base stands for it here
        BundleManifest m = catalog.get("minilm-l6-v2").manifest();
        assertEquals("minilm-l6-v2", m.name());
        assertEquals(Pooling.MEAN, m.pooling());
        assertTrue(m.normalize());
        assertEquals(256, m.maxTokens());
        assertEquals(384, m.dimensions());
        assertEquals(Routing.Mode.NONE, m.routing().mode());
        assertDoesNotThrow(() -> catalog.get("minilm-l6-v2-q").verifyChecksum());
    }

    @Test
    void unknownModelListsWhatIsAvailable() {
        BundleException e = assertThrows(BundleException.class, () -> BundleCatalog.scan(List.of(TestBundles.root())).get("scibert"));
        assertTrue(e.getMessage().contains("unknown model 'scibert'") && e.getMessage().contains("minilm-l6-v2-q"), e.getMessage());
    }

    @Test
    void manifestErrorsNameTheField() throws IOException {
        Path dir = variant("bad-dims", s -> s.replace("\"dimensions\": 384", "\"dimensions\": -1"));
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.open(dir));
        assertTrue(e.getMessage().contains("'dimensions' must be a positive integer"), e.getMessage());

        Path pooling = variant("bad-pooling", s -> s.replace("\"pooling\": \"mean\"", "\"pooling\": \"max\""));
        assertTrue(assertThrows(BundleException.class, () -> ModelBundle.open(pooling)).getMessage().contains("pooling must be 'mean' or 'cls'"));

        Path nested = variant("no-input-ids", s -> s.replace("\"inputIds\": \"input_ids\", ", ""));
        BundleException n = assertThrows(BundleException.class, () -> ModelBundle.open(nested));
        assertTrue(n.getMessage().endsWith("field 'inputs.inputIds' is missing"), n.getMessage());

        Path json = variant("bad-json", s -> s.substring(0, 40));
        assertTrue(assertThrows(BundleException.class, () -> ModelBundle.open(json)).getMessage().contains("not valid JSON"));
    }

    @Test
    void graphThatDoesNotMatchTheManifestIsRefusedWithEveryMismatch() throws IOException {
        Path dir = variant("mismatch", s -> s.replace("\"dimensions\": 384", "\"dimensions\": 768")
                .replace("\"name\": \"last_hidden_state\"", "\"name\": \"sentence_embedding\""));
        ModelBundle bundle = ModelBundle.open(dir);
        BundleException e = assertThrows(BundleException.class, () -> OnnxEncoder.load(bundle, CPU));
        assertTrue(e.getMessage().contains("output.name 'sentence_embedding' is not an output of the graph [last_hidden_state]"), e.getMessage());

        Path wide = variant("wide", s -> s.replace("\"dimensions\": 384", "\"dimensions\": 768"));
        BundleException w = assertThrows(BundleException.class, () -> OnnxEncoder.load(ModelBundle.open(wide), CPU));
        assertTrue(w.getMessage().contains("384-dimensional but the manifest says dimensions 768"), w.getMessage());

        Path noTypes = variant("no-types", s -> s.replace(", \"tokenTypeIds\": \"token_type_ids\"", ""));
        BundleException t = assertThrows(BundleException.class, () -> OnnxEncoder.load(ModelBundle.open(noTypes), CPU));
        assertTrue(t.getMessage().contains("needs input 'token_type_ids' that the manifest does not describe"), t.getMessage());
    }

    @Test
    void domainRoutingNeedsItsInputInTheGraphAndKnownDomains() throws IOException {
        Path dir = variant("routed", s -> s.replace("\"routing\": { \"mode\": \"none\" }",
                "\"routing\": { \"mode\": \"domain\", \"input\": \"domain_id\", \"domains\": {\"medicine\": 0, \"aeronautics\": 1} }"));
        ModelBundle bundle = ModelBundle.open(dir);
        assertEquals(List.of("medicine", "aeronautics"), bundle.manifest().routing().domainNames());
        assertEquals(1, bundle.manifest().routing().expertOf("Aeronautics").orElseThrow());
        BundleException e = assertThrows(BundleException.class, () -> OnnxEncoder.load(bundle, CPU));
        assertTrue(e.getMessage().contains("routing.input 'domain_id' is not an input of the graph"), e.getMessage());

        Path twice = variant("routed-twice", s -> s.replace("\"routing\": { \"mode\": \"none\" }",
                "\"routing\": { \"mode\": \"domain\", \"input\": \"domain_id\", \"domains\": {\"a\": 0, \"b\": 0} }"));
        assertTrue(assertThrows(BundleException.class, () -> ModelBundle.open(twice)).getMessage().contains("expert id 0 is used twice"));
    }

    @Test
    void damagedGraphIsCaughtByItsChecksumAndByOnnxRuntime() throws IOException {
        ModelBundle real = TestBundles.bundle(TestBundles.INT8);
        Path dir = Files.createDirectories(tmp.resolve("damaged"));
        Files.write(dir.resolve("model.onnx"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Files.copy(real.tokenizerPath(), dir.resolve("tokenizer.json"));
        Files.copy(real.directory().resolve(BundleManifest.FILE_NAME), dir.resolve(BundleManifest.FILE_NAME));
        ModelBundle damaged = ModelBundle.open(dir);
        BundleException sum = assertThrows(BundleException.class, () -> OnnxEncoder.load(damaged, CPU));
        assertTrue(sum.getMessage().contains("is damaged or was replaced"), sum.getMessage());
        EncoderOptions unchecked = new EncoderOptions(DeviceRequest.CPU, 1, 8192, 64, true, false, true);
        ScimoeException ort = assertThrows(ScimoeException.class, () -> OnnxEncoder.load(damaged, unchecked));
        assertTrue(ort.getMessage().contains("ONNX Runtime cannot load"), ort.getMessage());
    }
}

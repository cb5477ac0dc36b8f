package org.scimoe.runtime;

import static org.junit.jupiter.api.Assertions.*;

import ai.onnxruntime.OrtException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scimoe.bundle.BundleException;
import org.scimoe.bundle.OutputKind;
import org.scimoe.TestBundles;

class GraphSignatureTest {
    @TempDir
    Path tmp;

    private GraphSignature infer(Path graph, String output) throws OrtException {
        SessionFactory.OpenSession open = new SessionFactory(1).open(graph, DeviceRequest.CPU);
        try {
            return GraphSignature.infer(open.session(), output);
        } finally {
            open.session().close();
        }
    }

    private String refusal(TinyOnnx graph) throws Exception {
        Path file = graph.write(tmp.resolve("g" + System.nanoTime() + ".onnx"));
        return assertThrows(BundleException.class, () -> infer(file, null)).getMessage();
    }

    @Test
    void miniLmsSignatureIsReadFromTheGraph() throws Exception {
        GraphSignature s = infer(TestBundles.bundle(TestBundles.FP32).modelPath(), null);
        assertEquals("input_ids", s.inputs().inputIds());
        assertEquals("attention_mask", s.inputs().attentionMask());
        assertEquals("token_type_ids", s.inputs().tokenTypeIds());
        assertEquals("last_hidden_state", s.output().name());
        assertEquals(OutputKind.TOKEN_EMBEDDINGS, s.output().kind());
        assertEquals(384, s.dimensions());
    }

    @Test
    void aGraphWithoutTokenTypesIsFedWithoutThem() throws Exception {
        Path file = new TinyOnnx().input("input_ids", TinyOnnx.INT64, "batch", "tokens").input("attention_mask", TinyOnnx.INT64, "batch", "tokens")
                .node("Cast", "input_ids", "f", "to", TinyOnnx.FLOAT).node("Unsqueeze", "f", "states", "axes", new long[] {2})
                .output("states", TinyOnnx.FLOAT, "batch", "tokens", 1).write(tmp.resolve("ok.onnx"));
        GraphSignature s = infer(file, null);
        assertNull(s.inputs().tokenTypeIds());
        assertEquals(1, s.dimensions());
    }

    @Test
    void int32TokenIdsAreRefused() throws Exception {
        String why = refusal(new TinyOnnx().input("input_ids", TinyOnnx.INT32, "batch", "tokens").input("attention_mask", TinyOnnx.INT64, "batch", "tokens")
                .node("Cast", "input_ids", "f", "to", TinyOnnx.FLOAT).node("Unsqueeze", "f", "states", "axes", new long[] {2})
                .output("states", TinyOnnx.FLOAT, "batch", "tokens", 1));
        assertTrue(why.contains("input 'input_ids' must be an int64 [batch, tokens] tensor") && why.contains("int32"), why);
    }

    @Test
    void aOneDimensionalOutputIsRefused() throws Exception {
        String why = refusal(new TinyOnnx().input("input_ids", TinyOnnx.INT64, "batch", "tokens").input("attention_mask", TinyOnnx.INT64, "batch", "tokens")
                .node("Cast", "input_ids", "f", "to", TinyOnnx.FLOAT).node("ReduceSum", "f", "score", "axes", new long[] {1}, "keepdims", 0)
                .output("score", TinyOnnx.FLOAT, "batch"));
        assertTrue(why.contains("no float output of shape [batch, tokens, dims] or [batch, dims]") && why.contains("score float [-1]"), why);
    }

    @Test
    void aGraphWithoutTokenInputIsRefused() throws Exception {
        String why = refusal(new TinyOnnx().input("pixel_values", TinyOnnx.FLOAT, "batch", 3)
                .node("Identity", "pixel_values", "features", new Object[0]).output("features", TinyOnnx.FLOAT, "batch", 3));
        assertTrue(why.contains("input 'pixel_values' is none of input_ids, attention_mask, token_type_ids"), why);
        assertTrue(why.contains("no token input (input_ids)"), why);
    }
}

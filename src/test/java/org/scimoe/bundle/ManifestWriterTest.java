package org.scimoe.bundle;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What training writes, serving must read back unchanged: every routing mode as a round trip. */
class ManifestWriterTest {
    @TempDir
    Path tmp;

    private static BundleManifest manifest(Routing routing, OutputKind kind) throws Exception {
        return new BundleManifest(BundleManifest.FORMAT, "moe-test", "0.1.0", "a test bundle",
                new BundleManifest.BaseModel("sentence-transformers/all-MiniLM-L6-v2", "maven:x:y:1", "Apache-2.0"),
                "model.onnx", "tokenizer.json", "ab".repeat(32), "fp32", 384, Pooling.MEAN, true, 256, "q: ", "",
                new BundleManifest.Inputs("input_ids", "attention_mask", null),
                new BundleManifest.Output("out", kind), routing,
                new ObjectMapper().readTree("{\"seed\": 7, \"command\": \"scimoe-train train --variant domain\"}"));
    }

    @Test
    void everyRoutingModeSurvivesARoundTrip() throws Exception {
        Routing[] routings = {
            Routing.NONE,
            new Routing(Routing.Mode.DOMAIN, "domain_id", Map.of("medicine", 1, "aeronautics", 0), "medicine", null, 2, null, null),
            new Routing(Routing.Mode.DOMAIN, "domain_id", Map.of("medicine", 1, "aeronautics", 0), null, null, 2, null, "router_probs"),
            new Routing(Routing.Mode.GATE, null, Map.of(), null, Routing.GatePooling.TOP1, 4, "gate_weights", null),
        };
        for (Routing routing : routings) {
            BundleManifest written = manifest(routing, routing.mode() == Routing.Mode.GATE ? OutputKind.SENTENCE_EMBEDDING : OutputKind.TOKEN_EMBEDDINGS);
            Path file = tmp.resolve(routing.mode() + ".json");
            ManifestWriter.write(written, file);
            BundleManifest read = ManifestReader.read(file);
            assertEquals(written, read, "round trip of routing " + routing.mode());
        }
    }
}

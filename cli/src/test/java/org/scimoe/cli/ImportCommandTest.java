package org.scimoe.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scimoe.bundle.BundleCatalog;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.TokenizerTruncation;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.Role;
import org.scimoe.io.AbstractsFile;
import org.scimoe.lucene.AbstractDoc;
import org.scimoe.runtime.DeviceRequest;

/**
 * {@code scimoe import} on the raw files of the encoders the build unpacks from Maven (the graph and
 * the tokenizer.json, which truncates at 128): the imported bundle gives the built bundle's vectors.
 */
class ImportCommandTest {
    private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path UPSTREAM = REPO.resolve("onnx-models/target/upstream");
    private static final Path BUILT = Path.of(System.getProperty("scimoe.bundles.dir", REPO.resolve("onnx-models/target/bundles").toString()));

    @TempDir
    Path tmp;

    @Test
    void importedMiniLmGivesTheBuiltBundlesVectors() throws Exception {
        assertImportMatchesBuilt("minilm-l6-v2", "all-minilm-l6-v2", "fp32");
    }

    @Test
    void importedInt8MiniLmGivesTheBuiltBundlesVectors() throws Exception {
        assertImportMatchesBuilt("minilm-l6-v2-q", "all-minilm-l6-v2-q", "int8");
    }

    private void assertImportMatchesBuilt(String built, String raw, String precision) throws Exception {
        Path onnx = UPSTREAM.resolve(built).resolve(raw + ".onnx");
        Path tokenizer = UPSTREAM.resolve(built).resolve(raw + "-tokenizer.json");
        assertEquals(128, TokenizerTruncation.maxLength(tokenizer).getAsInt(), "the raw tokenizer file cuts at 128");
        CliEndToEndTest.Run run = CliEndToEndTest.run("import", "--onnx", onnx.toString(), "--tokenizer", tokenizer.toString(),
                "--name", "mine", "--pooling", "mean", "--max-tokens", "256", "--precision", precision, "--out", tmp.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("test embedding: ok (a 256-token text)"), run.out());
        assertTrue(run.out().contains("assumed normalize"), run.out());

        ModelBundle mine = BundleCatalog.scan(List.of(tmp)).get("mine");
        ModelBundle reference = BundleCatalog.scan(List.of(BUILT)).get(built);
        BundleManifest m = mine.manifest();
        BundleManifest r = reference.manifest();
        assertEquals(r.inputs(), m.inputs());
        assertEquals(r.output(), m.output());
        assertEquals(r.dimensions(), m.dimensions());
        assertEquals(r.modelSha256(), m.modelSha256());
        assertEquals(256, TokenizerTruncation.maxLength(mine.tokenizerPath()).getAsInt(), "truncation follows --max-tokens");

        // demo abstracts, one of them longer than 256 tokens, embedded alike by both bundles
        List<EmbedInput> texts = Stream.concat(AbstractsFile.readAll(REPO.resolve("demo/abstracts.jsonl")).stream().limit(12)
                .map(AbstractDoc::embeddingText), Stream.of("boundary layer transition ".repeat(150)))
                .map(EmbedInput::of).toList();
        EncoderOptions cpu = EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU).withThreads(2);
        try (OnnxEncoder a = OnnxEncoder.load(mine, cpu); OnnxEncoder b = OnnxEncoder.load(reference, cpu)) {
            List<Embedding> va = a.embed(texts, Role.DOCUMENT);
            List<Embedding> vb = b.embed(texts, Role.DOCUMENT);
            assertTrue(va.get(texts.size() - 1).truncated());
            for (int i = 0; i < texts.size(); i++) {
                assertEquals(vb.get(i).tokens(), va.get(i).tokens(), "text " + i);
                assertArrayEquals(vb.get(i).vector(), va.get(i).vector(), 1e-6f, "text " + i);
            }
        }
    }

    @Test
    void whatTheGraphCannotTellIsAskedForAndARefusalLeavesNothingBehind() throws Exception {
        Path onnx = UPSTREAM.resolve("minilm-l6-v2-q/all-minilm-l6-v2-q.onnx");
        Path tokenizer = UPSTREAM.resolve("minilm-l6-v2-q/all-minilm-l6-v2-q-tokenizer.json");
        CliEndToEndTest.Run noPooling = CliEndToEndTest.run("import", "--onnx", onnx.toString(), "--tokenizer", tokenizer.toString(),
                "--name", "mine", "--out", tmp.toString());
        assertEquals(2, noPooling.status());
        assertTrue(noPooling.err().contains("--pooling mean|cls is required"), noPooling.err());

        CliEndToEndTest.Run notAGraph = CliEndToEndTest.run("import", "--onnx", tokenizer.toString(), "--tokenizer", tokenizer.toString(),
                "--name", "mine", "--pooling", "mean", "--out", tmp.toString());
        assertEquals(2, notAGraph.status());
        assertTrue(notAGraph.err().contains("ONNX Runtime cannot load"), notAGraph.err());

        CliEndToEndTest.Run badName = CliEndToEndTest.run("import", "--onnx", onnx.toString(), "--tokenizer", tokenizer.toString(),
                "--name", "no spaces", "--pooling", "mean", "--out", tmp.toString());
        assertEquals(2, badName.status());
        assertTrue(badName.err().contains("name"), badName.err());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "a refused import writes nothing");
        }

        // the SB-MoE bundle's graph has two [batch, dims] outputs: which one is the embedding must be said
        // onnx-models/trained builds it after this module (it needs the trainer): on a fresh build it is not there yet
        var trained = BundleCatalog.scan(List.of(BUILT)).bundles().stream().filter(b -> b.name().equals("scimoe-minilm-sbmoe4")).findFirst();
        if (trained.isEmpty()) {
            return;
        }
        ModelBundle sbmoe = trained.get();
        CliEndToEndTest.Run ambiguous = CliEndToEndTest.run("import", "--onnx", sbmoe.modelPath().toString(), "--tokenizer",
                sbmoe.tokenizerPath().toString(), "--name", "moe", "--max-tokens", "256", "--out", tmp.toString());
        assertEquals(2, ambiguous.status());
        assertTrue(ambiguous.err().contains("several float outputs of rank 2") && ambiguous.err().contains("--output"), ambiguous.err());
        CliEndToEndTest.Run chosen = CliEndToEndTest.run("import", "--onnx", sbmoe.modelPath().toString(), "--tokenizer",
                sbmoe.tokenizerPath().toString(), "--name", "moe", "--max-tokens", "256", "--output", "sentence_embedding",
                "--out", tmp.toString());
        assertEquals(0, chosen.status(), chosen.err());
        assertEquals("sentence_embedding", BundleCatalog.scan(List.of(tmp)).get("moe").manifest().output().kind().name().toLowerCase());

        CliEndToEndTest.Run again = CliEndToEndTest.run("import", "--onnx", sbmoe.modelPath().toString(), "--tokenizer",
                sbmoe.tokenizerPath().toString(), "--name", "moe", "--max-tokens", "256", "--output", "sentence_embedding",
                "--out", tmp.toString());
        assertEquals(2, again.status());
        assertTrue(again.err().contains("already exists"), again.err());
    }
}

package org.scimoe.cli;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.Role;
import org.scimoe.io.AbstractsFile;
import org.scimoe.lucene.AbstractDoc;
import org.scimoe.runtime.DeviceRequest;
import org.scimoe.runtime.OrtRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Throughput of the engine against a bare ONNX Runtime session running the same model on the same
 * batches, in one process. Method: the abstracts are tokenised once for the bare side (same tokenizer,
 * same max tokens) and grouped into the same batches the engine makes (longest first when sorted, else
 * in file order, batch size B); each round runs the engine (tokenising, batching, inference, pooling,
 * normalising) and the bare session (tensor creation, inference, reading the output) over all
 * abstracts, alternating which goes first; the medians over rounds are reported with their ratio.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure embedding throughput: the engine vs a bare ONNX Runtime session on the same batches.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--abstracts", description = "JSONL abstracts (default: the demo set)")
    Path abstracts;

    @Option(names = "--models", split = ",", defaultValue = "minilm-l6-v2,minilm-l6-v2-q", description = "bundles (default: ${DEFAULT-VALUE})")
    List<String> bundleNames;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "8,32,128", description = "batch sizes (default: ${DEFAULT-VALUE})")
    List<Integer> batchSizes;

    @Option(names = "--rounds", defaultValue = "3", description = "rounds per configuration (default: ${DEFAULT-VALUE})")
    int rounds;

    @Mixin
    ModelOptions models;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path file = abstracts != null ? abstracts : Path.of(System.getProperty("scimoe.home", ".")).resolve("demo/abstracts.jsonl");
        List<String> texts = AbstractsFile.readAll(file).stream().map(AbstractDoc::embeddingText).toList();
        int threads = models.threads;
        var out = spec.commandLine().getOut();
        out.printf("%d abstracts from %s, %d rounds, %d ORT threads, %d cores%n", texts.size(), file, rounds, threads,
                Runtime.getRuntime().availableProcessors());
        out.printf("%-16s %-8s %5s %12s %12s %8s %12s %10s%n", "model", "order", "batch", "engine doc/s", "bare doc/s", "ratio", "tokens/s",
                "in-session");
        for (String name : bundleNames) {
            ModelBundle bundle = models.catalog().get(name);
            for (boolean sorted : new boolean[] {true, false}) {
                for (int b : batchSizes) {
                    EncoderOptions options = new EncoderOptions(DeviceRequest.CPU, threads, Integer.MAX_VALUE, b, sorted, false, true);
                    try (OnnxEncoder encoder = OnnxEncoder.load(bundle, options);
                         BareSession bare = new BareSession(bundle, threads, texts, b, sorted)) {
                        List<EmbedInput> inputs = texts.stream().map(EmbedInput::of).toList();
                        // warm-up: one full first batch on each side (sizes ONNX Runtime's memory arena alike)
                        encoder.embed(inputs.subList(0, Math.min(b, inputs.size())), Role.DOCUMENT);
                        bare.runAll(1);
                        double[] engine = new double[rounds];
                        double[] raw = new double[rounds];
                        double[] inferShare = new double[rounds];
                        long tokens = 0;
                        for (int r = 0; r < rounds; r++) {
                            // alternate which side goes first, so neither always runs on a warmer (or hotter) machine
                            if (r % 2 == 1) {
                                raw[r] = bareRound(bare, texts.size());
                            }
                            long before = encoder.stats().tokens();
                            long inferBefore = encoder.stats().inferenceNanos();
                            long t0 = System.nanoTime();
                            encoder.embed(inputs, Role.DOCUMENT);
                            engine[r] = texts.size() / ((System.nanoTime() - t0) / 1e9);
                            tokens = encoder.stats().tokens() - before;
                            inferShare[r] = (encoder.stats().inferenceNanos() - inferBefore) / 1e9 * engine[r] / texts.size();
                            if (r % 2 == 0) {
                                raw[r] = bareRound(bare, texts.size());
                            }
                        }
                        double e = median(engine);
                        double bm = median(raw);
                        out.printf("%-16s %-8s %5d %12.1f %12.1f %8.3f %12.0f %9.0f%%%n", name, sorted ? "sorted" : "file", b, e, bm, e / bm,
                                e * tokens / texts.size(), 100 * median(inferShare));
                        out.flush();
                    }
                }
            }
        }
        return 0;
    }

    private static double bareRound(BareSession bare, int docs) throws Exception {
        long t = System.nanoTime();
        bare.runAll(Integer.MAX_VALUE);
        return docs / ((System.nanoTime() - t) / 1e9);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The reference side: the bundle's graph in a plain session, fed pre-tokenised batches. */
    private static final class BareSession implements AutoCloseable {
        private final OrtSession session;
        private final List<long[][][]> batches = new ArrayList<>(); // per batch: {ids, mask, types} rows, padded

        BareSession(ModelBundle bundle, int threads, List<String> texts, int batchSize, boolean sorted) throws Exception {
            OrtEnvironment env = OrtRuntime.environment();
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                o.setIntraOpNumThreads(threads);
                session = env.createSession(bundle.modelPath().toString(), o);
            }
            Encoding[] enc;
            try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.builder().optTokenizerPath(bundle.tokenizerPath())
                    .optTruncation(true).optMaxLength(bundle.manifest().maxTokens()).optPadding(false).build()) {
                enc = tok.batchEncode(texts.toArray(String[]::new));
            }
            Integer[] order = new Integer[enc.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            if (sorted) {
                Arrays.sort(order, Comparator.comparingInt((Integer i) -> enc[i].getIds().length).reversed());
            }
            for (int start = 0; start < order.length; start += batchSize) {
                int end = Math.min(order.length, start + batchSize);
                int len = 0;
                for (int i = start; i < end; i++) {
                    len = Math.max(len, enc[order[i]].getIds().length);
                }
                long[][][] batch = new long[3][end - start][len];
                for (int i = start; i < end; i++) {
                    Encoding e = enc[order[i]];
                    System.arraycopy(e.getIds(), 0, batch[0][i - start], 0, e.getIds().length);
                    System.arraycopy(e.getAttentionMask(), 0, batch[1][i - start], 0, e.getIds().length);
                    System.arraycopy(e.getTypeIds(), 0, batch[2][i - start], 0, e.getIds().length);
                }
                batches.add(batch);
            }
        }

        void runAll(int limit) throws Exception {
            OrtEnvironment env = OrtRuntime.environment();
            for (long[][][] b : batches.subList(0, Math.min(limit, batches.size()))) {
                long[] shape = {b[0].length, b[0][0].length};
                try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(flat(b[0])), shape);
                     OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(flat(b[1])), shape);
                     OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(flat(b[2])), shape);
                     OrtSession.Result r = session.run(Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
                    FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                    if (fb.remaining() == 0) {
                        throw new IllegalStateException("empty output");
                    }
                }
            }
        }

        private static long[] flat(long[][] rows) {
            long[] f = new long[rows.length * rows[0].length];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(rows[i], 0, f, i * rows[0].length, rows[0].length);
            }
            return f;
        }

        @Override
        public void close() throws Exception {
            session.close();
        }
    }
}

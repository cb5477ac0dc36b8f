package org.scimoe.embed;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.scimoe.ScimoeException;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.OutputKind;
import org.scimoe.bundle.Routing;
import org.scimoe.runtime.Device;
import org.scimoe.runtime.GraphContract;
import org.scimoe.runtime.OrtRuntime;
import org.scimoe.runtime.SessionFactory;

/**
 * The engine's embedder: tokenizer, then one ONNX Runtime session, then routing, pooling and
 * normalisation, as the bundle's manifest says. Thread-safe: the tokenizer and the session both are.
 */
public final class OnnxEncoder implements TextEmbedder {
    /** Expert placeholder for a text the graph's domain router routes (fed to the graph as domain id -1). */
    private static final int ROUTED_IN_GRAPH = -2;
    private final BundleManifest manifest;
    private final EncoderOptions options;
    private final TextTokenizer tokenizer;
    private final OrtSession session;
    private final Device device;
    private final Set<String> outputNames;
    private final boolean feedsTokenTypes;

    private final AtomicLong texts = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong tokens = new AtomicLong();
    private final AtomicLong truncated = new AtomicLong();
    private final AtomicLong nanos = new AtomicLong();

    private OnnxEncoder(BundleManifest manifest, EncoderOptions options, TextTokenizer tokenizer, SessionFactory.OpenSession open) {
        this.manifest = manifest;
        this.options = options;
        this.tokenizer = tokenizer;
        this.session = open.session();
        this.device = open.device();
        this.outputNames = new LinkedHashSet<>();
        outputNames.add(manifest.output().name());
        if (manifest.routing().weightsOutput() != null) {
            outputNames.add(manifest.routing().weightsOutput());
        }
        this.feedsTokenTypes = manifest.inputs().tokenTypeIds() != null;
    }

    /** Loads a bundle: checksum (unless turned off), tokenizer, session on the requested device, graph contract. */
    public static OnnxEncoder load(ModelBundle bundle, EncoderOptions options) {
        if (options.verifyChecksum()) {
            bundle.verifyChecksum();
        }
        BundleManifest manifest = bundle.manifest();
        TextTokenizer tokenizer = new TextTokenizer(bundle.tokenizerPath(), manifest.maxTokens());
        SessionFactory.OpenSession open;
        try {
            open = new SessionFactory(options.intraOpThreads(), options.spinning()).open(bundle.modelPath(), options.device());
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
        try {
            GraphContract.check(manifest, open.session());
        } catch (RuntimeException e) {
            closeQuietly(open.session());
            tokenizer.close();
            throw e;
        }
        return new OnnxEncoder(manifest, options, tokenizer, open);
    }

    @Override
    public BundleManifest manifest() {
        return manifest;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public void check(EmbedInput input) {
        EmbedInput.requireText(input);
        expertOf(input.domain());
    }

    @Override
    public List<Embedding> embed(List<EmbedInput> inputs, Role role) {
        int n = inputs.size();
        int[] experts = new int[n];
        String[] prefixed = new String[n];
        String prefix = manifest.prefix(role);
        for (int i = 0; i < n; i++) {
            try {
                check(inputs.get(i));
            } catch (InvalidInputException e) {
                throw n == 1 ? e : e.atInput(i);
            }
            experts[i] = expertOf(inputs.get(i).domain());
            prefixed[i] = prefix + inputs.get(i).text();
        }
        TextTokenizer.Tokens[] encoded = tokenizer.encode(prefixed);
        Embedding[] out = new Embedding[n];
        // Texts routed to different experts go in different batches, so a sparse graph can run one expert per batch.
        Map<Integer, List<Integer>> byExpert = new HashMap<>();
        for (int i = 0; i < n; i++) {
            byExpert.computeIfAbsent(experts[i], k -> new ArrayList<>()).add(i);
        }
        for (List<Integer> group : byExpert.values()) {
            int[] lengths = group.stream().mapToInt(i -> encoded[i].length()).toArray();
            for (int[] batch : BatchPlan.plan(lengths, options.tokenBudget(), options.maxBatchSize(), options.sortByLength())) {
                int[] members = Arrays.stream(batch).map(group::get).toArray();
                runBatch(members, encoded, experts, out);
            }
        }
        return Arrays.asList(out);
    }

    private void runBatch(int[] members, TextTokenizer.Tokens[] encoded, int[] experts, Embedding[] out) {
        int rows = members.length;
        int seqLen = 0;
        for (int m : members) {
            seqLen = Math.max(seqLen, encoded[m].length());
        }
        long[] ids = new long[rows * seqLen];
        long[] mask = new long[rows * seqLen];
        long[] types = new long[rows * seqLen];
        long[] domainIds = new long[rows];
        long tokenCount = 0;
        for (int r = 0; r < rows; r++) {
            TextTokenizer.Tokens t = encoded[members[r]];
            System.arraycopy(t.ids(), 0, ids, r * seqLen, t.length());
            System.arraycopy(t.mask(), 0, mask, r * seqLen, t.length());
            System.arraycopy(t.types(), 0, types, r * seqLen, t.length());
            domainIds[r] = experts[members[r]] == ROUTED_IN_GRAPH ? -1 : Math.max(0, experts[members[r]]);
            tokenCount += t.length();
        }
        OrtEnvironment env = OrtRuntime.environment();
        long[] shape = {rows, seqLen};
        Map<String, OnnxTensor> feed = new HashMap<>();
        long start = System.nanoTime();
        try {
            feed.put(manifest.inputs().inputIds(), OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            feed.put(manifest.inputs().attentionMask(), OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (feedsTokenTypes) {
                feed.put(manifest.inputs().tokenTypeIds(), OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
            }
            if (manifest.routing().mode() == Routing.Mode.DOMAIN) {
                feed.put(manifest.routing().input(), OnnxTensor.createTensor(env, LongBuffer.wrap(domainIds), new long[] {rows}));
            }
            try (OrtSession.Result result = session.run(feed, outputNames)) {
                FloatBuffer states = ((OnnxTensor) result.get(manifest.output().name()).orElseThrow()).getFloatBuffer();
                float[][] gates = gateWeights(result, rows);
                for (int r = 0; r < rows; r++) {
                    int m = members[r];
                    out[m] = embedding(states, r, seqLen, encoded[m], experts[m], gates == null ? null : gates[r]);
                }
            }
        } catch (OrtException e) {
            throw new ScimoeException("inference failed in model '" + manifest.name() + "' on a batch of " + rows + " x "
                    + seqLen + " tokens: " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
        nanos.addAndGet(System.nanoTime() - start);
        texts.addAndGet(rows);
        batches.incrementAndGet();
        tokens.addAndGet(tokenCount);
        for (int m : members) {
            if (encoded[m].truncated()) {
                truncated.incrementAndGet();
            }
        }
    }

    private Embedding embedding(FloatBuffer states, int row, int seqLen, TextTokenizer.Tokens t, int expert, float[] gate) {
        int dims = manifest.dimensions();
        float[] vector;
        if (manifest.output().kind() == OutputKind.TOKEN_EMBEDDINGS) {
            vector = VectorPooling.pool(manifest.pooling(), states, row, seqLen, dims, t.length());
        } else {
            vector = new float[dims];
            states.get(row * dims, vector);
        }
        if (manifest.normalize()) {
            VectorPooling.normalize(vector);
        }
        String domain = null;
        if (expert == ROUTED_IN_GRAPH) {
            expert = argMax(gate); // the router's choice: the graph takes the same argmax
        } else if (gate != null && manifest.routing().mode() == Routing.Mode.GATE) {
            expert = argMax(gate);
        }
        if (manifest.routing().mode() == Routing.Mode.DOMAIN) {
            domain = manifest.routing().domainNames().get(indexOfExpert(expert));
        }
        return new Embedding(vector, t.length(), t.truncated(), domain, expert, gate);
    }

    private int indexOfExpert(int expert) {
        List<String> names = manifest.routing().domainNames();
        for (int i = 0; i < names.size(); i++) {
            if (manifest.routing().domains().get(names.get(i)) == expert) {
                return i;
            }
        }
        throw new IllegalStateException("expert " + expert + " has no domain");
    }

    private float[][] gateWeights(OrtSession.Result result, int rows) throws OrtException {
        String gateOutput = manifest.routing().weightsOutput();
        if (gateOutput == null) {
            return null;
        }
        OnnxTensor tensor = (OnnxTensor) result.get(gateOutput).orElseThrow();
        FloatBuffer buffer = tensor.getFloatBuffer();
        int experts = buffer.remaining() / rows;
        float[][] gates = new float[rows][experts];
        for (int r = 0; r < rows; r++) {
            buffer.get(r * experts, gates[r]);
        }
        return gates;
    }

    /**
     * The expert a domain routes to; -1 when the bundle does not route by domain. Without a domain,
     * the bundle's router decides when it has one, else its default domain.
     */
    private int expertOf(String domain) {
        Routing routing = manifest.routing();
        if (routing.mode() != Routing.Mode.DOMAIN) {
            return -1;
        }
        if (domain == null && routing.routerOutput() != null) {
            return ROUTED_IN_GRAPH;
        }
        String wanted = domain != null ? domain : routing.defaultDomain();
        if (wanted == null) {
            throw new InvalidInputException("domain", "model '" + manifest.name() + "' routes by domain and needs one of "
                    + routing.domainNames());
        }
        return routing.expertOf(wanted).orElseThrow(() -> new InvalidInputException("domain",
                "unknown domain '" + wanted + "' for model '" + manifest.name() + "'; known domains: " + routing.domainNames()));
    }

    private static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public EncoderStats stats() {
        return new EncoderStats(texts.get(), batches.get(), tokens.get(), truncated.get(), nanos.get());
    }

    @Override
    public void close() {
        closeQuietly(session);
        tokenizer.close();
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            // nothing useful to do: the session is gone either way
        }
    }
}

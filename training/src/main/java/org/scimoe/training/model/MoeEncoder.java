package org.scimoe.training.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.scimoe.ScimoeException;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.OutputKind;
import org.scimoe.training.onnx.BertGraph;
import org.scimoe.training.onnx.FfnWeights;
import org.scimoe.training.onnx.OnnxGraph;
import org.scimoe.training.onnx.SbMoeHead;

/**
 * The trainable sentence encoder: a pretrained BERT read from a bundle's ONNX graph, mean pooling,
 * and one of the three variants of {@link ModelSpec} (shared, domain experts inside, SB-MoE block
 * after). Forward passes return un-normalised sentence vectors; the loss and the engine normalise.
 */
public final class MoeEncoder implements AutoCloseable {
    private final ModelBundle base;
    private final ModelSpec spec;
    private final BertConfig config;
    private final ParameterStore params;
    private final BertEncoder encoder;
    private final DomainExperts experts;
    private final SbMoeBlock head;
    private final Map<String, String> initializerNames;

    private MoeEncoder(ModelBundle base, ModelSpec spec, BertConfig config, ParameterStore params, DomainExperts experts, SbMoeBlock head,
                       Map<String, String> initializerNames) {
        this.base = base;
        this.initializerNames = initializerNames;
        this.spec = spec;
        this.config = config;
        this.params = params;
        this.experts = experts;
        this.head = head;
        this.encoder = new BertEncoder(config, params, experts);
    }

    /** Loads the base bundle's encoder (fp32, token-state output, mean or CLS pooling) and builds the variant on it. */
    public static MoeEncoder load(ModelBundle base, ModelSpec spec) {
        if (base.manifest().output().kind() != OutputKind.TOKEN_EMBEDDINGS) {
            throw new ScimoeException("training needs an encoder that outputs token states; '" + base.manifest().name() + "' pools already");
        }
        if (base.manifest().pooling() != org.scimoe.bundle.Pooling.MEAN && base.manifest().pooling() != org.scimoe.bundle.Pooling.CLS) {
            throw new ScimoeException("the trainer pools by mean or CLS; '" + base.manifest().name() + "' uses " + base.manifest().pooling());
        }
        BertGraph bert = new BertGraph(OnnxGraph.read(base.modelPath()));
        BertConfig config = BertConfig.read(bert);
        ParameterStore params = new ParameterStore(NDManager.newBaseManager(trainingDevice(), "PyTorch"));
        try {
            EncoderWeights.load(bert, params, spec.trainEncoder(), spec.trainWordEmbeddings());
            DomainExperts experts = null;
            SbMoeBlock head = null;
            switch (spec.variant()) {
                case DOMAIN_ROUTED -> {
                    var layers = spec.expertLayers(config.layers());
                    layers.forEach(bert::checkLayer);
                    experts = DomainExperts.create(params, layers, spec.domains().size());
                }
                case SB_MOE -> head = SbMoeBlock.create(params, config.hidden(), spec.sbMoe(), spec.seed());
                case SHARED -> {
                    if (spec.trainsSharedFfnOnly()) {
                        for (int l : spec.expertLayers(config.layers())) {
                            bert.checkLayer(l);
                            // the shared counterpart of domain experts learns at the experts' rate, so the two compare
                            for (String module : List.of("intermediate.dense", "output.dense")) {
                                params.makeTrainable(EncoderWeights.layer(l, module + ".weight"), ParamGroup.NEW);
                                params.makeTrainable(EncoderWeights.layer(l, module + ".bias"), ParamGroup.NEW);
                            }
                        }
                    }
                }
            }
            return new MoeEncoder(base, spec, config, params, experts, head, EncoderWeights.initializerNames(bert));
        } catch (RuntimeException e) {
            params.close();
            throw e;
        }
    }

    /**
     * Where training runs: {@code -Dscimoe.train.device=cpu|gpu|auto} (default auto: the first GPU when
     * PyTorch's CUDA natives and a GPU are present — DJL's default device — else the CPU). Said in one log line.
     */
    static Device trainingDevice() {
        String wanted = System.getProperty("scimoe.train.device", "auto").toLowerCase(java.util.Locale.ROOT);
        ai.djl.engine.Engine engine = ai.djl.engine.Engine.getEngine("PyTorch");
        Device device = switch (wanted) {
            case "cpu" -> Device.cpu();
            case "gpu", "cuda" -> {
                if (engine.getGpuCount() == 0) {
                    throw new ScimoeException("-Dscimoe.train.device=" + wanted + ": PyTorch sees no GPU (CPU natives, or no CUDA device)");
                }
                yield Device.gpu();
            }
            case "auto" -> engine.defaultDevice();
            default -> throw new ScimoeException("-Dscimoe.train.device must be cpu, gpu or auto, not '" + wanted + "'");
        };
        org.slf4j.LoggerFactory.getLogger(MoeEncoder.class).info("training on {} (PyTorch {}, {} GPU(s) visible)", device,
                engine.getVersion(), engine.getGpuCount());
        return device;
    }

    public ModelBundle base() {
        return base;
    }

    public ModelSpec spec() {
        return spec;
    }

    public BertConfig config() {
        return config;
    }

    public ParameterStore parameters() {
        return params;
    }

    /** Whether any weight before pooling trains (if not, pooled vectors can be computed once and cached). */
    public boolean encoderTrains() {
        return params.all().stream().anyMatch(p -> p.trainable() && !p.name().startsWith("sbmoe."));
    }

    /** Mean-pooled token states [rows, d], before any SB-MoE block. {@code domainIds}: expert id per row, or null. */
    public NDArray pooled(NDManager scope, TokenBatch batch, long[] domainIds) {
        return pooled(scope, batch, domainIds, 0f);
    }

    /** As {@link #pooled(NDManager, TokenBatch, long[])}, with the encoder's dropout at {@code dropout} (training). */
    public NDArray pooled(NDManager scope, TokenBatch batch, long[] domainIds, float dropout) {
        DomainIds ids = null;
        if (experts != null) {
            if (domainIds == null || domainIds.length != batch.rows()) {
                throw new ScimoeException("the domain-routed model needs one domain id per text");
            }
            for (long id : domainIds) {
                if (id < 0 || id >= experts.experts()) {
                    throw new ScimoeException("domain id " + id + " is outside 0.." + (experts.experts() - 1));
                }
            }
            ids = new DomainIds(domainIds, scope.create(domainIds, new Shape(domainIds.length)));
        }
        NDArray states = encoder.forward(scope, batch, ids, dropout);
        // the base bundle's own pooling: mean over kept tokens, or the first ([CLS]) token's state (e.g. bge)
        return base.manifest().pooling() == org.scimoe.bundle.Pooling.CLS ? Ops.clsPool(states) : Ops.meanPool(states, batch.mask(scope));
    }

    /** The SB-MoE block on pooled vectors; the identity for the other variants. */
    public NDArray head(NDArray pooled) {
        return head == null ? pooled : head.forward(pooled);
    }

    /** The gate's weights [rows, N] (SB-MoE only). */
    public NDArray gate(NDArray pooled) {
        if (head == null) {
            throw new ScimoeException("only an SB-MoE model has a gate");
        }
        return head.gate(pooled);
    }

    /** The sentence vectors [rows, d] the exported bundle would output before normalisation. */
    public NDArray sentenceVectors(NDManager scope, TokenBatch batch, long[] domainIds) {
        return sentenceVectors(scope, batch, domainIds, 0f);
    }

    /** Sentence vectors with the encoder's dropout at {@code dropout} (training). */
    public NDArray sentenceVectors(NDManager scope, TokenBatch batch, long[] domainIds, float dropout) {
        return head(pooled(scope, batch, domainIds, dropout));
    }

    /** Texts per forward pass in {@link #embed}: bounds the memory of a long list. */
    static final int EMBED_BATCH = 32;

    /**
     * Unit-length sentence vectors as the engine returns them, computed without autograd, in batches
     * of texts of similar length (less padding). {@code domainIds}: expert id per text, or null.
     */
    public float[][] embed(BatchTokenizer tokenizer, List<String> texts, org.scimoe.embed.Role role, long[] domainIds) {
        return embed(tokenizer, texts, role, domainIds, EMBED_BATCH);
    }

    float[][] embed(BatchTokenizer tokenizer, List<String> texts, org.scimoe.embed.Role role, long[] domainIds, int batchSize) {
        float[][] out = new float[texts.size()][];
        for (int[] chunk : LengthBatches.plan(texts, batchSize)) {
            List<String> part = java.util.Arrays.stream(chunk).mapToObj(texts::get).toList();
            long[] ids = domainIds == null ? null : java.util.Arrays.stream(chunk).mapToLong(i -> domainIds[i]).toArray();
            try (NDManager scope = params.scope()) {
                float[][] v = rows(Ops.normalize(sentenceVectors(scope, tokenizer.encode(part, role), ids)));
                for (int k = 0; k < chunk.length; k++) {
                    out[chunk[k]] = v[k];
                }
            }
        }
        return out;
    }

    public static float[][] rows(NDArray v) {
        int rows = (int) v.getShape().get(0);
        int d = (int) v.getShape().get(1);
        float[] flat = v.toFloatArray();
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = java.util.Arrays.copyOfRange(flat, r * d, (r + 1) * d);
        }
        return out;
    }

    /** The trained encoder weights by the base graph's initializer names (see {@link EncoderWeights#trained}). */
    public Map<String, org.scimoe.training.onnx.FloatTensor> trainedEncoderWeights() {
        return EncoderWeights.trained(params, initializerNames);
    }

    /** Per layer, the domain experts' current weights (DOMAIN_ROUTED only). */
    public Map<Integer, List<FfnWeights>> domainExperts() {
        if (experts == null) {
            throw new ScimoeException("only a domain-routed model has domain experts");
        }
        return experts.weights();
    }

    /** The SB-MoE block's current weights (SB_MOE only). */
    public SbMoeHead sbMoeHead() {
        if (head == null) {
            throw new ScimoeException("only an SB-MoE model has an SB-MoE block");
        }
        return head.toHead();
    }

    @Override
    public void close() {
        params.close();
    }
}

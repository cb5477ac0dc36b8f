package org.scimoe.training.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.EncoderStats;
import org.scimoe.embed.InvalidInputException;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;
import org.scimoe.runtime.Device;
import org.scimoe.training.train.PooledTexts;
import org.scimoe.training.train.Trainer;

/**
 * A {@link TextEmbedder} for an SB-MoE block on a frozen encoder, built from the base encoder's pooled
 * vectors (each text pooled once, {@link PooledTexts}) and the block applied by the training framework,
 * then normalised: what the exported bundle computes, without running the encoder again for every
 * block. The engine's own evaluators ({@code RetrievalEvaluator}, {@link PairEvaluation}) run on it
 * unchanged, so a sweep of blocks costs one pooling pass. With the identity as head it is the base.
 */
public final class PooledHeadEmbedder implements TextEmbedder {
    private final BundleManifest manifest;
    private final PooledTexts pooled;
    private final UnaryOperator<NDArray> head;
    private final Supplier<NDManager> scopes;
    private final AtomicLong texts = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong nanos = new AtomicLong();

    /**
     * @param manifest the base bundle's manifest (dimensions, prefixes)
     * @param head     the block on a [rows, d] matrix of pooled vectors ({@code x -> x}: the base)
     * @param scopes   a fresh manager per call, closed after it (the model's parameter scope)
     */
    public PooledHeadEmbedder(BundleManifest manifest, PooledTexts pooled, UnaryOperator<NDArray> head, Supplier<NDManager> scopes) {
        this.manifest = manifest;
        this.pooled = pooled;
        this.head = head;
        this.scopes = scopes;
    }

    @Override
    public BundleManifest manifest() {
        return manifest;
    }

    @Override
    public Device device() {
        return new Device("cpu", "pooled vectors of the base encoder and the block on the training framework's CPU engine");
    }

    @Override
    public List<Embedding> embed(List<EmbedInput> inputs, Role role) {
        if (inputs.isEmpty()) {
            return List.of();
        }
        for (int i = 0; i < inputs.size(); i++) {
            try {
                check(inputs.get(i));
            } catch (InvalidInputException e) {
                throw e.atInput(i);
            }
        }
        long t0 = System.nanoTime();
        float[][] base = pooled.byText(inputs.stream().map(EmbedInput::text).toList(), role);
        int d = base[0].length;
        float[] out;
        try (NDManager scope = scopes.get()) {
            NDArray x = head.apply(Trainer.matrix(scope, base));
            out = x.div(x.norm(new int[] {-1}, true).maximum(1e-12f)).toFloatArray();
        }
        List<Embedding> embeddings = new ArrayList<>(base.length);
        for (int r = 0; r < base.length; r++) {
            float[] v = new float[d];
            System.arraycopy(out, r * d, v, 0, d);
            embeddings.add(new Embedding(v, 0, false, inputs.get(r).domain(), -1, null));
        }
        texts.addAndGet(base.length);
        batches.incrementAndGet();
        nanos.addAndGet(System.nanoTime() - t0);
        return embeddings;
    }

    @Override
    public void check(EmbedInput input) {
        EmbedInput.requireText(input);
    }

    @Override
    public EncoderStats stats() {
        return new EncoderStats(texts.get(), batches.get(), 0, 0, nanos.get());
    }

    @Override
    public void close() {}
}

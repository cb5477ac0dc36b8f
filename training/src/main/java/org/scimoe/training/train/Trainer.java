package org.scimoe.training.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scimoe.ScimoeException;
import org.scimoe.embed.Role;
import org.scimoe.training.model.BatchTokenizer;
import org.scimoe.training.model.MoeEncoder;
import org.scimoe.training.model.ParamGroup;
import org.scimoe.training.model.ParameterStore;
import org.scimoe.training.onnx.FloatTensor;

/**
 * Contrastive training steps on a {@link MoeEncoder}: forward both sides of a batch of pairs, the
 * MNR loss, backward, then clip the global gradient norm and apply AdamW with a warm-up/decay
 * schedule and one peak learning rate per parameter group. A step whose loss or gradient is not
 * finite changes no weight: it is skipped and counted. Dropout applies in steps, not in
 * {@link #evaluate}. Anchors are encoded as queries, positives as
 * documents (the bundle's prefixes for each role apply).
 */
public final class Trainer implements AutoCloseable {

    /** What one step did. {@code gradNorm} is before clipping; {@code learningRate} is the pretrained group's; {@code pairs} the batch's size. */
    public record StepResult(int update, float loss, double gradNorm, boolean skipped, double learningRate, long nanos, int pairs) {}

    private final MoeEncoder model;
    private final TrainingConfig config;
    private final BatchTokenizer tokenizer;
    private final AdamW optimizer;
    private int updates;
    private int skipped;

    public Trainer(MoeEncoder model, TrainingConfig config) {
        this.model = model;
        this.config = config;
        this.tokenizer = new BatchTokenizer(model.base(), config.maxTokens());
        this.optimizer = AdamW.defaults(model.parameters().manager(), config.weightDecay());
        Engine.getEngine("PyTorch").setRandomSeed(config.seed());
        if (model.parameters().trainable().isEmpty()) {
            throw new ScimoeException("nothing to train: every parameter of the model is frozen");
        }
    }

    public BatchTokenizer tokenizer() {
        return tokenizer;
    }

    /** Optimizer updates applied so far. */
    public int updates() {
        return updates;
    }

    /** Steps skipped for a non-finite loss or gradient. */
    public int skippedSteps() {
        return skipped;
    }

    /** Saves the trainable parameters, the optimizer's moments and the update count, to resume from. */
    public void save(Path file) {
        Map<String, FloatTensor> tensors = Checkpoint.trainable(model.parameters());
        optimizer.state().forEach((k, v) -> tensors.put(Checkpoint.OPTIMIZER_PREFIX + k, v));
        Checkpoint.write(file, updates, tensors);
    }

    /** Restores what {@link #save} wrote (or parameters alone, from {@link Checkpoint#save}): the next step continues the schedule. */
    public void resume(Path file) {
        Checkpoint.Contents contents = Checkpoint.read(file);
        Checkpoint.setParameters(model.parameters(), contents, file);
        Map<String, FloatTensor> moments = new LinkedHashMap<>();
        contents.tensors().forEach((k, v) -> {
            if (k.startsWith(Checkpoint.OPTIMIZER_PREFIX)) {
                moments.put(k.substring(Checkpoint.OPTIMIZER_PREFIX.length()), v);
            }
        });
        optimizer.restore(moments);
        updates = contents.updates();
    }

    public StepResult step(PairBatch batch) {
        long start = System.nanoTime();
        ParameterStore params = model.parameters();
        try (NDManager scope = params.scope()) {
            float loss;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray lossArray = loss(scope, batch, config.dropout());
                loss = lossArray.getFloat();
                if (!Float.isFinite(loss)) {
                    skipped++;
                    return new StepResult(updates, loss, Double.NaN, true, 0, System.nanoTime() - start, batch.size());
                }
                collector.backward(lossArray);
            }
            List<ParameterStore.Param> trainable = params.trainable();
            List<NDArray> grads = new ArrayList<>(trainable.size());
            for (ParameterStore.Param p : trainable) {
                grads.add(p.array().getGradient());
            }
            double norm = Gradients.globalNorm(grads);
            if (!Double.isFinite(norm)) {
                skipped++;
                Gradients.clear(grads);
                return new StepResult(updates, loss, norm, true, 0, System.nanoTime() - start, batch.size());
            }
            if (config.maxGradNorm() > 0 && norm > config.maxGradNorm()) {
                Gradients.scale(grads, (float) (config.maxGradNorm() / norm));
            }
            updates++;
            double factor = config.schedule().factor(updates - 1);
            for (int i = 0; i < trainable.size(); i++) {
                ParameterStore.Param p = trainable.get(i);
                float peak = p.group() == ParamGroup.PRETRAINED ? config.pretrainedLearningRate() : config.newLearningRate();
                optimizer.update(p, grads.get(i), (float) (peak * factor), updates);
            }
            Gradients.zero(grads);
            return new StepResult(updates, loss, norm, false, config.pretrainedLearningRate() * factor, System.nanoTime() - start, batch.size());
        }
    }

    /** The loss on a batch without changing anything (no autograd). */
    public float evaluate(PairBatch batch) {
        try (NDManager scope = model.parameters().scope()) {
            return loss(scope, batch, 0f).getFloat();
        }
    }

    private NDArray loss(NDManager scope, PairBatch batch, float dropout) {
        NDArray anchors;
        NDArray positives;
        switch (batch) {
            case PairBatch.Texts t -> {
                anchors = model.sentenceVectors(scope, tokenizer.encode(t.anchors(), Role.QUERY), t.anchorDomains(), dropout);
                positives = model.sentenceVectors(scope, tokenizer.encode(t.positives(), Role.DOCUMENT), t.positiveDomains(), dropout);
            }
            case PairBatch.Pooled p -> {
                if (model.encoderTrains()) {
                    throw new ScimoeException("cached pooled vectors need a frozen encoder; this model trains its encoder");
                }
                anchors = model.head(matrix(scope, p.anchors()));
                positives = model.head(matrix(scope, p.positives()));
                NDArray contrastive = config.loss().compute(anchors, positives, batch.excluded());
                if (p.preserved() == null || config.preserveWeight() == 0) {
                    return contrastive;
                }
                NDArray base = matrix(scope, p.preserved());
                return contrastive.add(preservation(model.head(base), base).mul(config.preserveWeight()));
            }
        }
        return config.loss().compute(anchors, positives, batch.excluded());
    }

    /** Mean (1 - cosine) between each text's vector through the block and its base vector. */
    static NDArray preservation(NDArray out, NDArray base) {
        NDArray cos = out.mul(base).sum(new int[] {1})
                .div(out.norm(new int[] {1}).mul(base.norm(new int[] {1})).maximum(1e-12f));
        return cos.mean().neg().add(1f);
    }

    /** Rows of equal width as one [rows, d] array in {@code m}. */
    public static NDArray matrix(NDManager m, float[][] rows) {
        int d = rows[0].length;
        float[] flat = new float[rows.length * d];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * d, d);
        }
        return m.create(flat, new Shape(rows.length, d));
    }

    @Override
    public void close() {
        optimizer.reset();
        tokenizer.close();
    }
}

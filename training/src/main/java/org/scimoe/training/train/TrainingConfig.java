package org.scimoe.training.train;

/**
 * How the trainer steps.
 *
 * @param pretrainedLearningRate peak rate for weights that come from the pretrained encoder
 * @param newLearningRate        peak rate for new parameters (domain experts, SB-MoE gate and experts)
 * @param weightDecay            AdamW's decoupled decay (matrices only)
 * @param warmupSteps            linear warm-up length
 * @param totalSteps             linear decay to 0 at this step (0: no decay)
 * @param maxGradNorm            global gradient norm clip (0 or less: no clipping)
 * @param maxTokens              token limit for training texts
 * @param loss                   the contrastive loss
 * @param dropout                the encoder's dropout rate in training (BERT's own is 0.1; 0: none)
 * @param seed                   seeds libtorch's generator (dropout), so a run repeats
 * @param preserveWeight         weight of the preservation term on a pooled batch's preserved vectors:
 *                               mean (1 - cos(block(x), x)), so texts of domains without new data keep
 *                               their base vectors (0: no such term)
 */
public record TrainingConfig(float pretrainedLearningRate, float newLearningRate, float weightDecay, int warmupSteps, int totalSteps,
                             float maxGradNorm, int maxTokens, MultipleNegativesRankingLoss loss, float dropout, int seed,
                             float preserveWeight) {

    public TrainingConfig {
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (!(preserveWeight >= 0)) {
            throw new IllegalArgumentException("the preservation weight must be >= 0, got " + preserveWeight);
        }
    }

    public static TrainingConfig defaults() {
        return new TrainingConfig(2e-5f, 1e-3f, 0.01f, 10, 0, 1f, 64, MultipleNegativesRankingLoss.defaults(), 0.1f, 42, 0f);
    }

    public TrainingConfig withLearningRates(float pretrained, float fresh) {
        return new TrainingConfig(pretrained, fresh, weightDecay, warmupSteps, totalSteps, maxGradNorm, maxTokens, loss, dropout, seed, preserveWeight);
    }

    public TrainingConfig withSchedule(int warmup, int total) {
        return new TrainingConfig(pretrainedLearningRate, newLearningRate, weightDecay, warmup, total, maxGradNorm, maxTokens, loss, dropout, seed, preserveWeight);
    }

    public TrainingConfig withMaxTokens(int tokens) {
        return new TrainingConfig(pretrainedLearningRate, newLearningRate, weightDecay, warmupSteps, totalSteps, maxGradNorm, tokens, loss, dropout, seed, preserveWeight);
    }

    public TrainingConfig withLoss(MultipleNegativesRankingLoss value) {
        return new TrainingConfig(pretrainedLearningRate, newLearningRate, weightDecay, warmupSteps, totalSteps, maxGradNorm, maxTokens, value, dropout, seed, preserveWeight);
    }

    public TrainingConfig withDropout(float rate, int seedValue) {
        return new TrainingConfig(pretrainedLearningRate, newLearningRate, weightDecay, warmupSteps, totalSteps, maxGradNorm, maxTokens, loss, rate, seedValue, preserveWeight);
    }

    public LearningRateSchedule schedule() {
        return new LearningRateSchedule(warmupSteps, totalSteps);
    }

    public TrainingConfig withPreservation(float weight) {
        return new TrainingConfig(pretrainedLearningRate, newLearningRate, weightDecay, warmupSteps, totalSteps, maxGradNorm, maxTokens, loss, dropout, seed,
                weight);
    }
}

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
 */
public record TrainingConfig(float pretrainedLearningRate, float newLearningRate, float weightDecay, int warmupSteps, int totalSteps,
                             float maxGradNorm, int maxTokens, MultipleNegativesRankingLoss loss, float dropout, int seed) {

    public TrainingConfig {
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    public static TrainingConfig defaults() {
        return new TrainingConfig(2e-5f, 1e-3f, 0.01f, 10, 0, 1f, 64, MultipleNegativesRankingLoss.defaults(), 0.1f, 42);
    }

    public TrainingConfig withLearningRates(float pretrained, float fresh) {
        return new TrainingConfig(pretrained, fresh, weightDecay, warmupSteps, totalSteps, maxGradNorm, maxTokens, loss, dropout, seed);
    }

    public TrainingConfig withSchedule(int warmup, int total) {
        return new TrainingConfig(pretrainedLearningRate, newLearningRate, weightDecay, warmup, total, maxGradNorm, maxTokens, loss, dropout, seed);
    }

    public TrainingConfig withMaxTokens(int tokens) {
        return new TrainingConfig(pretrainedLearningRate, newLearningRate, weightDecay, warmupSteps, totalSteps, maxGradNorm, tokens, loss, dropout, seed);
    }

    public TrainingConfig withLoss(MultipleNegativesRankingLoss value) {
        return new TrainingConfig(pretrainedLearningRate, newLearningRate, weightDecay, warmupSteps, totalSteps, maxGradNorm, maxTokens, value, dropout, seed);
    }

    public TrainingConfig withDropout(float rate, int seedValue) {
        return new TrainingConfig(pretrainedLearningRate, newLearningRate, weightDecay, warmupSteps, totalSteps, maxGradNorm, maxTokens, loss, rate, seedValue);
    }

    public LearningRateSchedule schedule() {
        return new LearningRateSchedule(warmupSteps, totalSteps);
    }
}

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
 */
public record TrainingConfig(float pretrainedLearningRate, float newLearningRate, float weightDecay, int warmupSteps, int totalSteps,
                             float maxGradNorm, int maxTokens, MultipleNegativesRankingLoss loss) {

    public static TrainingConfig defaults() {
        return new TrainingConfig(2e-5f, 1e-3f, 0.01f, 10, 0, 1f, 64, MultipleNegativesRankingLoss.defaults());
    }

    public TrainingConfig withLearningRates(float pretrained, float fresh) {
        return new TrainingConfig(pretrained, fresh, weightDecay, warmupSteps, totalSteps, maxGradNorm, maxTokens, loss);
    }

    public TrainingConfig withSchedule(int warmup, int total) {
        return new TrainingConfig(pretrainedLearningRate, newLearningRate, weightDecay, warmup, total, maxGradNorm, maxTokens, loss);
    }

    public TrainingConfig withMaxTokens(int tokens) {
        return new TrainingConfig(pretrainedLearningRate, newLearningRate, weightDecay, warmupSteps, totalSteps, maxGradNorm, tokens, loss);
    }

    public LearningRateSchedule schedule() {
        return new LearningRateSchedule(warmupSteps, totalSteps);
    }
}

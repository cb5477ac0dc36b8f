package org.scimoe.training.train;

/**
 * Linear warm-up from 0 to the peak over {@code warmupSteps}, then linear decay to 0 at
 * {@code totalSteps} (0 or less: hold the peak). The usual schedule for fine-tuning BERT models.
 */
public record LearningRateSchedule(int warmupSteps, int totalSteps) {

    /** The factor (0..1) to multiply a peak learning rate by at optimizer step {@code step} (0-based). */
    public double factor(int step) {
        if (warmupSteps > 0 && step < warmupSteps) {
            return (step + 1) / (double) warmupSteps;
        }
        if (totalSteps <= 0) {
            return 1;
        }
        return Math.max(0, (totalSteps - step) / (double) Math.max(1, totalSteps - warmupSteps));
    }
}

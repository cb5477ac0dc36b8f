package org.scimoe.training.train;

import java.nio.file.Path;
import java.util.function.IntFunction;

/**
 * Epochs of {@link Trainer#step} over batches the caller supplies per epoch (so it can reshuffle with
 * its own seed), with an optional step limit, a listener per step, and a checkpoint (trainable
 * parameters and optimizer state, see {@link Trainer#save}) every so many updates and at the end.
 */
public final class TrainingLoop {

    /**
     * @param epochs          passes over the batches
     * @param maxUpdates      stop after this many optimizer updates (0: no limit)
     * @param checkpointEvery write the checkpoint every this many updates (0: only at the end)
     * @param checkpoint      the checkpoint file (null: none)
     */
    public record Options(int epochs, int maxUpdates, int checkpointEvery, Path checkpoint) {}

    /** Called after every step, skipped ones included. */
    public interface Listener {
        void onStep(int epoch, Trainer.StepResult result);
    }

    /** What the run did: updates, skipped steps, the mean loss of the last epoch's steps, wall time. */
    public record Summary(int updates, int skipped, double lastEpochMeanLoss, long nanos) {}

    private TrainingLoop() {}

    public static Summary run(Trainer trainer, IntFunction<Iterable<PairBatch>> batchesOfEpoch, Options options, Listener listener) {
        long start = System.nanoTime();
        double meanLoss = Double.NaN;
        int lastSaved = trainer.updates();
        // A resumed trainer has already made this many updates: its batches are passed over, so the run
        // continues with the batch an uninterrupted run would take next (batches are seeded per epoch).
        int toSkip = trainer.updates();
        outer:
        for (int epoch = 0; epoch < options.epochs(); epoch++) {
            double sum = 0;
            int counted = 0;
            for (PairBatch batch : batchesOfEpoch.apply(epoch)) {
                if (toSkip > 0) {
                    toSkip--;
                    continue;
                }
                if (options.maxUpdates() > 0 && trainer.updates() >= options.maxUpdates()) {
                    break outer;
                }
                Trainer.StepResult r = trainer.step(batch);
                if (!r.skipped()) {
                    sum += r.loss();
                    counted++;
                }
                if (listener != null) {
                    listener.onStep(epoch, r);
                }
                if (options.checkpoint() != null && options.checkpointEvery() > 0 && !r.skipped()
                        && r.update() % options.checkpointEvery() == 0) {
                    trainer.save(options.checkpoint());
                    lastSaved = r.update();
                }
                if (options.maxUpdates() > 0 && trainer.updates() >= options.maxUpdates()) {
                    meanLoss = counted == 0 ? Double.NaN : sum / counted;
                    break outer;
                }
            }
            meanLoss = counted == 0 ? Double.NaN : sum / counted;
        }
        if (options.checkpoint() != null && lastSaved != trainer.updates()) {
            trainer.save(options.checkpoint());
        }
        return new Summary(trainer.updates(), trainer.skippedSteps(), meanLoss, System.nanoTime() - start);
    }
}

/**
 * Contrastive training of {@link org.scimoe.training.model.MoeEncoder}s: the
 * {@link org.scimoe.training.train.MultipleNegativesRankingLoss}, {@link org.scimoe.training.train.AdamW}
 * with a warm-up/decay {@link org.scimoe.training.train.LearningRateSchedule} and one learning rate for
 * pretrained weights and one for new ones, global-norm clipping and a NaN guard in
 * {@link org.scimoe.training.train.Trainer}, epochs in {@link org.scimoe.training.train.TrainingLoop},
 * and {@link org.scimoe.training.train.Checkpoint}s. With a frozen encoder,
 * {@link org.scimoe.training.train.PooledCache} computes pooled vectors once so only the SB-MoE block trains.
 */
package org.scimoe.training.train;

package org.scimoe.training.train;

import ai.djl.ndarray.NDArray;

/**
 * Contrastive loss with in-batch negatives: for anchor i, positive i is the right answer among all
 * the batch's positives. Scores are cosine similarities times {@code scale}; the loss is the mean
 * cross-entropy of picking the right one. Symmetric adds the same from the positives' side.
 */
public record MultipleNegativesRankingLoss(float scale, boolean symmetric) {
    public static final float DEFAULT_SCALE = 20f;

    public static MultipleNegativesRankingLoss defaults() {
        return new MultipleNegativesRankingLoss(DEFAULT_SCALE, false);
    }

    /** anchors, positives [rows, d] (any length) → scalar loss. */
    public NDArray compute(NDArray anchors, NDArray positives) {
        return compute(anchors, positives, null);
    }

    /**
     * @param excluded null, or [rows × rows] row-major: true where anchor i and positive j (i ≠ j) are
     *                 known to be similar too; such a pair is left out of i's negatives instead of being
     *                 pushed apart (co-relevance pairs come in cliques: one query, many relevant documents)
     */
    public NDArray compute(NDArray anchors, NDArray positives, boolean[] excluded) {
        NDArray scores = unit(anchors).matMul(unit(positives).transpose()).mul(scale);
        if (excluded != null) {
            int rows = (int) scores.getShape().get(0);
            float[] penalty = new float[rows * rows];
            for (int k = 0; k < penalty.length; k++) {
                penalty[k] = excluded[k] && k / rows != k % rows ? -1e4f : 0f;
            }
            scores = scores.add(scores.getManager().create(penalty, scores.getShape()));
        }
        NDArray loss = crossEntropyOnDiagonal(scores);
        return symmetric ? loss.add(crossEntropyOnDiagonal(scores.transpose())).div(2f) : loss;
    }

    /** Mean over rows of -log softmax(row)[row index]: the target of row i is column i. */
    private static NDArray crossEntropyOnDiagonal(NDArray scores) {
        int rows = (int) scores.getShape().get(0);
        NDArray eye = scores.getManager().eye(rows);
        return scores.logSoftmax(1).mul(eye).sum().div(-rows);
    }

    private static NDArray unit(NDArray v) {
        return v.div(v.norm(new int[] {-1}, true).maximum(1e-12f));
    }
}

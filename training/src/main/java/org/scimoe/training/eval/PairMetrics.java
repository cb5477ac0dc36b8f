package org.scimoe.training.eval;

import java.util.Arrays;
import java.util.Comparator;

/**
 * How well cosine similarity separates similar pairs (label 1) from the rest (label 0), in the seed
 * paper's terms: F1max is the best F1 over all thresholds on the score (a pair is called similar when
 * its score is at least the threshold), reported with that threshold and the precision, recall and
 * accuracy there; ROC-AUC (ties count one half); and the mean score of positives and negatives with
 * their ratio (the paper's "sim ratio").
 */
public record PairMetrics(int positives, int negatives, double f1max, double threshold, double precision, double recall,
                          double accuracy, double rocAuc, double meanPositive, double meanNegative) {

    public double ratio() {
        return meanNegative == 0 ? Double.NaN : meanPositive / meanNegative;
    }

    public static PairMetrics of(double[] scores, int[] labels) {
        int n = scores.length;
        if (n != labels.length) {
            throw new IllegalArgumentException(n + " scores but " + labels.length + " labels");
        }
        int pos = 0;
        double sumPos = 0;
        double sumNeg = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException("label " + i + " is " + labels[i] + ", must be 0 or 1");
            }
            pos += labels[i];
            if (labels[i] == 1) {
                sumPos += scores[i];
            } else {
                sumNeg += scores[i];
            }
        }
        int neg = n - pos;
        if (pos == 0 || neg == 0) {
            throw new IllegalArgumentException("pair metrics need positives and negatives, got " + pos + " and " + neg);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());

        // Sweep thresholds from the highest score down; all pairs with equal scores switch together.
        double bestF1 = -1;
        double bestT = Double.NaN;
        int bestTp = 0;
        int bestFp = 0;
        int tp = 0;
        int fp = 0;
        for (int k = 0; k < n; ) {
            double t = scores[order[k]];
            while (k < n && scores[order[k]] == t) {
                if (labels[order[k]] == 1) {
                    tp++;
                } else {
                    fp++;
                }
                k++;
            }
            double f1 = 2.0 * tp / (2.0 * tp + fp + (pos - tp));
            if (f1 > bestF1) {
                bestF1 = f1;
                bestT = t;
                bestTp = tp;
                bestFp = fp;
            }
        }
        double accuracy = (bestTp + (neg - bestFp)) / (double) n;
        return new PairMetrics(pos, neg, bestF1, bestT, bestTp / (double) (bestTp + bestFp), bestTp / (double) pos, accuracy,
                rocAuc(scores, labels, order, pos, neg), sumPos / pos, sumNeg / neg);
    }

    /** Mann-Whitney U with average ranks for ties, divided by positives x negatives. */
    private static double rocAuc(double[] scores, int[] labels, Integer[] descending, int pos, int neg) {
        int n = scores.length;
        double rankSumPos = 0;
        // ranks ascending: the last in descending order has rank 1
        for (int k = 0; k < n; ) {
            int j = k;
            while (j < n && scores[descending[j]] == scores[descending[k]]) {
                j++;
            }
            // positions k..j-1 in descending order = ascending ranks n-j+1 .. n-k
            double averageRank = ((n - j + 1) + (n - k)) / 2.0;
            for (int m = k; m < j; m++) {
                if (labels[descending[m]] == 1) {
                    rankSumPos += averageRank;
                }
            }
            k = j;
        }
        double u = rankSumPos - pos * (pos + 1) / 2.0;
        return u / ((double) pos * neg);
    }
}

package org.scimoe.embed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Splits tokenised texts into batches whose padded size (rows x longest row) stays within a token
 * budget. Sorting by length first keeps texts of similar length together, so little of each batch
 * is padding; each batch holds the caller's indices, so results go back in the caller's order.
 */
final class BatchPlan {
    private BatchPlan() {}

    /** @return batches of indices into {@code lengths} */
    static List<int[]> plan(int[] lengths, int tokenBudget, int maxBatchSize, boolean sortByLength) {
        Integer[] order = new Integer[lengths.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (sortByLength) {
            Arrays.sort(order, Comparator.comparingInt((Integer i) -> lengths[i]).reversed());
        }
        List<int[]> batches = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        int longest = 0;
        for (int index : order) {
            int wouldBeLongest = Math.max(longest, lengths[index]);
            boolean full = current.size() >= maxBatchSize || (long) (current.size() + 1) * wouldBeLongest > tokenBudget;
            if (!current.isEmpty() && full) {
                batches.add(toArray(current));
                current.clear();
                wouldBeLongest = lengths[index];
            }
            current.add(index);
            longest = wouldBeLongest;
        }
        if (!current.isEmpty()) {
            batches.add(toArray(current));
        }
        return batches;
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}

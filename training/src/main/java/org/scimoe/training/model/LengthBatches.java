package org.scimoe.training.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Groups texts of similar length into batches (by index), so inference pads little. */
public final class LengthBatches {
    private LengthBatches() {}

    /** Indices of {@code texts} in batches of at most {@code size}, shortest texts first. */
    public static List<int[]> plan(List<String> texts, int size) {
        Integer[] order = new Integer[texts.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> texts.get(i).length()));
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < order.length; from += size) {
            int to = Math.min(order.length, from + size);
            int[] batch = new int[to - from];
            for (int k = from; k < to; k++) {
                batch[k - from] = order[k];
            }
            batches.add(batch);
        }
        return batches;
    }
}

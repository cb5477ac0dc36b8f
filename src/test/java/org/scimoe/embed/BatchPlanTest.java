package org.scimoe.embed;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchPlanTest {
    @Test
    void batchesStayWithinTheTokenBudgetAndCoverEveryText() {
        int[] lengths = {10, 200, 30, 250, 12, 180, 40, 8};
        List<int[]> batches = BatchPlan.plan(lengths, 500, 64, true);
        boolean[] seen = new boolean[lengths.length];
        for (int[] batch : batches) {
            int longest = Arrays.stream(batch).map(i -> lengths[i]).max().orElseThrow();
            assertTrue(batch.length * longest <= 500, "batch " + Arrays.toString(batch));
            for (int i : batch) {
                assertFalse(seen[i]);
                seen[i] = true;
            }
        }
        for (boolean s : seen) {
            assertTrue(s);
        }
        assertArrayEquals(new int[] {3, 1}, batches.get(0), "longest first when sorted: 2 x 250 fits 500");
    }

    @Test
    void sortingReducesPadding() {
        int[] lengths = {250, 10, 240, 12, 230, 9, 220, 11};
        assertTrue(padded(lengths, BatchPlan.plan(lengths, 100_000, 2, true)) < padded(lengths, BatchPlan.plan(lengths, 100_000, 2, false)));
    }

    @Test
    void aTextLongerThanTheBudgetStillGetsABatchOfItsOwn() {
        List<int[]> batches = BatchPlan.plan(new int[] {600, 5}, 500, 8, true);
        assertEquals(2, batches.size());
        assertArrayEquals(new int[] {0}, batches.get(0));
    }

    private static long padded(int[] lengths, List<int[]> batches) {
        long total = 0;
        for (int[] b : batches) {
            total += (long) b.length * Arrays.stream(b).map(i -> lengths[i]).max().orElseThrow();
        }
        return total;
    }
}

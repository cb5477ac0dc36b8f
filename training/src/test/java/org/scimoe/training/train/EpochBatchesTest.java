package org.scimoe.training.train;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.scimoe.training.pairs.DocPair;
import org.scimoe.training.pairs.PairSets;

class EpochBatchesTest {
    @Test
    void batchesHoldOneDomainAndNoDocumentTwice() {
        List<PairSets.Positive> pairs = new ArrayList<>();
        // a clique: one query judged a..f relevant (15 pairs, sharing documents), plus independent pairs
        String[] clique = {"a", "b", "c", "d", "e", "f"};
        for (int i = 0; i < clique.length; i++) {
            for (int j = i + 1; j < clique.length; j++) {
                pairs.add(new PairSets.Positive(new DocPair(clique[i], clique[j]), "med", 1));
            }
        }
        for (int i = 0; i < 20; i++) {
            pairs.add(new PairSets.Positive(new DocPair("x" + i, "y" + i), i % 2 == 0 ? "med" : "aero", 1));
        }
        Set<DocPair> known = new HashSet<>();
        java.util.Map<DocPair, String> domainOf = new java.util.HashMap<>();
        pairs.forEach(p -> {
            known.add(p.pair());
            domainOf.put(p.pair(), p.domain());
        });
        List<EpochBatches.Batch> batches = EpochBatches.plan(pairs, 4, 1000, 7);
        int pairsUsed = 0;
        for (EpochBatches.Batch b : batches) {
            List<String> docs = new ArrayList<>(b.anchors());
            docs.addAll(b.positives());
            assertEquals(docs.size(), new HashSet<>(docs).size(), "a document twice in a batch");
            assertTrue(b.anchors().size() >= 2 && b.anchors().size() <= 4);
            for (int i = 0; i < b.anchors().size(); i++) {
                assertEquals(domainOf.get(new DocPair(b.anchors().get(i), b.positives().get(i))), b.domain(), "one domain per batch");
            }
            pairsUsed += b.anchors().size();
        }
        assertTrue(pairsUsed >= 25, "most pairs fit in batches, used " + pairsUsed);
    }

    /** A hub cited with many documents makes a tail of tiny batches; a minimum batch leaves that tail for the next epoch. */
    @Test
    void aMinimumBatchDropsTheTailOfTinyBatches() {
        List<PairSets.Positive> pairs = new ArrayList<>();
        for (int i = 0; i < 12; i++) { // two hubs: at most one pair of each per batch
            pairs.add(new PairSets.Positive(new DocPair("hub1", "d" + i), "phys", 1));
            pairs.add(new PairSets.Positive(new DocPair("hub2", "e" + i), "phys", 1));
            pairs.add(new PairSets.Positive(new DocPair("x" + i, "y" + i), "phys", 1));
        }
        List<EpochBatches.Batch> all = EpochBatches.plan(pairs, 8, 1000, java.util.Map.of(), 2, 3);
        assertTrue(all.stream().anyMatch(b -> b.anchors().size() < 4), "without a minimum the hub leaves small batches");
        List<EpochBatches.Batch> full = EpochBatches.plan(pairs, 8, 1000, java.util.Map.of(), 4, 3);
        assertFalse(full.isEmpty());
        assertTrue(full.stream().allMatch(b -> b.anchors().size() >= 4), "every batch holds at least 4 pairs");
        assertTrue(full.stream().mapToInt(b -> b.anchors().size()).sum() < pairs.size(), "the hub's tail waits for the next epoch");
    }
}

package org.scimoe.training.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.scimoe.training.pairs.PairSets;

/**
 * The batches of one epoch. Each domain contributes at most {@code pairsPerDomain} of its training
 * pairs (a fresh seeded sample per epoch), so a domain with 40k co-relevance pairs does not drown one
 * with 2k; every batch holds one domain (in-batch negatives from the same field are the informative
 * ones, and a domain-routed model then runs one expert per batch); no document appears twice in a
 * batch (it would be its own false negative); the batches of all domains are shuffled together.
 */
public final class EpochBatches {
    /** One batch: anchors and positives as document ids, and their domain. */
    public record Batch(List<String> anchors, List<String> positives, String domain) {}

    private EpochBatches() {}

    public static List<Batch> plan(List<PairSets.Positive> pairs, int batchSize, int pairsPerDomain, long seed) {
        return plan(pairs, batchSize, pairsPerDomain, Map.of(), seed);
    }

    /** @param perDomain pairs per epoch for some domains, instead of {@code pairsPerDomain} */
    public static List<Batch> plan(List<PairSets.Positive> pairs, int batchSize, int pairsPerDomain, Map<String, Integer> perDomain, long seed) {
        return plan(pairs, batchSize, pairsPerDomain, perDomain, 2, seed);
    }

    /**
     * @param minBatch the smallest batch formed: when the pairs left cannot fill one this big without repeating a document
     *                 (hub documents make long tails of tiny batches, whose few in-batch negatives teach little), they wait
     *                 for the next epoch's sample
     */
    public static List<Batch> plan(List<PairSets.Positive> pairs, int batchSize, int pairsPerDomain, Map<String, Integer> perDomain,
                                   int minBatch, long seed) {
        Random random = new Random(seed);
        Map<String, List<PairSets.Positive>> byDomain = new TreeMap<>();
        pairs.forEach(p -> byDomain.computeIfAbsent(p.domain(), d -> new ArrayList<>()).add(p));
        List<Batch> batches = new ArrayList<>();
        for (var e : byDomain.entrySet()) {
            List<PairSets.Positive> list = new ArrayList<>(e.getValue());
            Collections.shuffle(list, random);
            int quota = perDomain.getOrDefault(e.getKey(), pairsPerDomain);
            if (list.size() > quota) {
                list = list.subList(0, quota);
            }
            List<PairSets.Positive> pending = new ArrayList<>(list);
            while (pending.size() >= 2) {
                List<String> anchors = new ArrayList<>();
                List<String> positives = new ArrayList<>();
                Set<String> used = new HashSet<>();
                List<PairSets.Positive> deferred = new ArrayList<>();
                for (PairSets.Positive p : pending) {
                    if (anchors.size() == batchSize || used.contains(p.pair().a()) || used.contains(p.pair().b())) {
                        deferred.add(p);
                        continue;
                    }
                    boolean flip = random.nextBoolean(); // either side may be the anchor
                    anchors.add(flip ? p.pair().b() : p.pair().a());
                    positives.add(flip ? p.pair().a() : p.pair().b());
                    used.add(p.pair().a());
                    used.add(p.pair().b());
                }
                if (anchors.size() < Math.max(2, minBatch)) {
                    break; // what is left cannot form a batch (of minBatch) without repeating a document
                }
                batches.add(new Batch(anchors, positives, e.getKey()));
                pending = deferred;
            }
        }
        Collections.shuffle(batches, random);
        return batches;
    }

    /** How many pairs each domain offers, for the log. */
    public static Map<String, Integer> counts(List<PairSets.Positive> pairs) {
        Map<String, Integer> c = new LinkedHashMap<>();
        pairs.forEach(p -> c.merge(p.domain(), 1, Integer::sum));
        return c;
    }
}

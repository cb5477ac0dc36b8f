package org.scimoe.training.pairs;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.scimoe.ScimoeException;

/**
 * Positive pairs per split, and balanced labelled pairs (each positive with one sampled negative)
 * for the validation and test splits, as the seed paper evaluates: a negative pairs a positive's
 * first document with a random document of the same split and domain that it is not paired with.
 */
public final class PairSets {
    /** A positive pair with its domain and how many citing documents (or queries) support it. */
    public record Positive(DocPair pair, String domain, int count) {}

    private final Map<Split, List<Positive>> positives = new EnumMap<>(Split.class);
    private final Map<Split, List<LabelledPair>> labelled = new EnumMap<>(Split.class);
    private int straddling;
    private int crossDomain;

    private PairSets() {}

    public static PairSets build(Map<DocPair, Integer> pairs, Map<String, String> domainOf, Map<String, Split> splitOf, long seed) {
        return build(pairs, domainOf, splitOf, seed, Integer.MAX_VALUE);
    }

    /**
     * @param maxLabelledPerDomain most positives per domain in the labelled valid/test pairs (a seeded
     *                             sample; each gets its negative), so one large domain cannot dominate "All"
     *                             or the evaluation time
     */
    public static PairSets build(Map<DocPair, Integer> pairs, Map<String, String> domainOf, Map<String, Split> splitOf, long seed,
                                 int maxLabelledPerDomain) {
        PairSets sets = new PairSets();
        for (Split s : Split.values()) {
            sets.positives.put(s, new ArrayList<>());
            sets.labelled.put(s, new ArrayList<>());
        }
        for (var e : pairs.entrySet()) {
            DocPair p = e.getKey();
            String da = domainOf.get(p.a());
            String db = domainOf.get(p.b());
            if (da == null || db == null) {
                throw new ScimoeException("pair " + p + " names a document that is not in the corpus");
            }
            if (!da.equals(db)) {
                sets.crossDomain++;
                continue;
            }
            Split sa = splitOf.get(p.a());
            if (sa != splitOf.get(p.b())) {
                sets.straddling++;
                continue;
            }
            sets.positives.get(sa).add(new Positive(p, da, e.getValue()));
        }
        Random random = new Random(seed);
        for (Split s : List.of(Split.VALID, Split.TEST)) {
            sets.labelled.put(s, sets.withNegatives(s, pairs.keySet(), domainOf, splitOf, random, maxLabelledPerDomain));
        }
        return sets;
    }

    private List<LabelledPair> withNegatives(Split split, Set<DocPair> allPositives, Map<String, String> domainOf,
                                             Map<String, Split> splitOf, Random random, int maxPerDomain) {
        Map<String, List<String>> pool = new TreeMap<>();
        splitOf.forEach((doc, s) -> {
            if (s == split) {
                pool.computeIfAbsent(domainOf.get(doc), d -> new ArrayList<>()).add(doc);
            }
        });
        List<LabelledPair> out = new ArrayList<>();
        Map<String, List<Positive>> byDomain = new TreeMap<>();
        positives.get(split).forEach(p -> byDomain.computeIfAbsent(p.domain(), d -> new ArrayList<>()).add(p));
        List<Positive> chosen = new ArrayList<>();
        byDomain.values().forEach(list -> {
            if (list.size() > maxPerDomain) {
                list = new ArrayList<>(list);
                java.util.Collections.shuffle(list, random);
                list = list.subList(0, maxPerDomain);
            }
            chosen.addAll(list);
        });
        for (Positive p : chosen) {
            List<String> candidates = pool.get(p.domain());
            for (int attempt = 0; attempt < 100; attempt++) {
                String other = candidates.get(random.nextInt(candidates.size()));
                if (!other.equals(p.pair().a()) && !allPositives.contains(new DocPair(p.pair().a(), other))) {
                    // a positive enters only with its negative, so every domain stays balanced
                    out.add(new LabelledPair(p.pair().a(), p.pair().b(), p.domain(), 1));
                    out.add(new LabelledPair(p.pair().a(), other, p.domain(), 0));
                    break;
                }
            }
        }
        return out;
    }

    public List<Positive> positives(Split split) {
        return positives.get(split);
    }

    public List<LabelledPair> labelled(Split split) {
        return labelled.get(split);
    }

    /** Pairs dropped because their documents fell in different splits. */
    public int straddling() {
        return straddling;
    }

    /** Pairs dropped because their documents belong to different domains. */
    public int crossDomain() {
        return crossDomain;
    }
}

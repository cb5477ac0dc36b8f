package org.scimoe.training.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.scimoe.embed.Role;
import org.scimoe.lucene.AbstractDoc;
import org.scimoe.training.eval.PairMetrics;
import org.scimoe.training.model.MoeEncoder;
import org.scimoe.training.pairs.LabelledPair;

/**
 * Validation during training, per domain: the MNR loss on fixed validation batches (what is
 * optimised, on documents training never sees) and F1max on labelled validation pairs (the seed
 * paper's metric). Fixed batches make successive measurements comparable.
 */
public final class Validation {
    /** One domain's figures; {@code f1max} is NaN when the domain has no labelled pairs. */
    public record Score(double loss, double f1max) {}

    /** The mean over domains, as the key of an overall score. */
    public static final String ALL = "All";

    private final Map<String, List<PairBatch>> batches;
    private final List<LabelledPair> labelled;
    private final Map<String, AbstractDoc> docs;
    private final List<String> expertOrder;

    /**
     * @param batches     fixed validation batches per domain
     * @param labelled    labelled validation pairs (a sample per domain keeps this fast)
     * @param expertOrder for a domain-routed model, the domains in expert-id order; else null
     */
    public Validation(Map<String, List<PairBatch>> batches, List<LabelledPair> labelled, Map<String, AbstractDoc> docs, List<String> expertOrder) {
        this.batches = new TreeMap<>(batches);
        this.labelled = List.copyOf(labelled);
        this.docs = docs;
        this.expertOrder = expertOrder;
    }

    /** Scores per domain and {@link #ALL} (the mean loss over domains, F1max over all labelled pairs). */
    public Map<String, Score> run(Trainer trainer, MoeEncoder model) {
        Map<String, Double> loss = new TreeMap<>();
        batches.forEach((domain, list) -> {
            double sum = 0;
            for (PairBatch b : list) {
                sum += trainer.evaluate(b);
            }
            loss.put(domain, list.isEmpty() ? Double.NaN : sum / list.size());
        });
        Map<String, PairMetrics> f1 = f1max(trainer, model);
        Map<String, Score> out = new LinkedHashMap<>();
        loss.forEach((d, l) -> out.put(d, new Score(l, f1.containsKey(d) ? f1.get(d).f1max() : Double.NaN)));
        double mean = loss.values().stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).average().orElse(Double.NaN);
        out.put(ALL, new Score(mean, f1.containsKey(ALL) ? f1.get(ALL).f1max() : Double.NaN));
        return out;
    }

    private Map<String, PairMetrics> f1max(Trainer trainer, MoeEncoder model) {
        if (labelled.isEmpty()) {
            return Map.of();
        }
        List<String> texts = new ArrayList<>();
        long[] ids = new long[labelled.size() * 2];
        for (int i = 0; i < labelled.size(); i++) {
            LabelledPair p = labelled.get(i);
            texts.add(docs.get(p.a()).embeddingText());
            texts.add(docs.get(p.b()).embeddingText());
            long id = expertOrder == null ? 0 : expertOrder.indexOf(p.domain());
            ids[2 * i] = id;
            ids[2 * i + 1] = id;
        }
        float[][] v = model.embed(trainer.tokenizer(), texts, Role.DOCUMENT, expertOrder == null ? null : ids);
        Map<String, List<double[]>> rows = new TreeMap<>();
        for (int i = 0; i < labelled.size(); i++) {
            double cos = 0;
            for (int k = 0; k < v[2 * i].length; k++) {
                cos += v[2 * i][k] * v[2 * i + 1][k];
            }
            double[] r = {cos, labelled.get(i).label()};
            rows.computeIfAbsent(labelled.get(i).domain(), d -> new ArrayList<>()).add(r);
            rows.computeIfAbsent(ALL, d -> new ArrayList<>()).add(r);
        }
        Map<String, PairMetrics> out = new LinkedHashMap<>();
        rows.forEach((d, list) -> out.put(d, PairMetrics.of(list.stream().mapToDouble(r -> r[0]).toArray(),
                list.stream().mapToInt(r -> (int) r[1]).toArray())));
        return out;
    }
}

package org.scimoe.training.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;
import org.scimoe.lucene.AbstractDoc;
import org.scimoe.training.pairs.LabelledPair;

/**
 * Embeds the documents of labelled pairs once (each with its pair's domain, so a domain-routed
 * bundle uses that domain's expert) and scores each pair by cosine: metrics per domain and "All".
 */
public final class PairEvaluation {
    public static final String ALL = "All";

    private PairEvaluation() {}

    public static Map<String, PairMetrics> evaluate(TextEmbedder embedder, List<LabelledPair> pairs, Map<String, AbstractDoc> docs) {
        Map<String, Integer> index = new LinkedHashMap<>();
        List<EmbedInput> inputs = new ArrayList<>();
        for (LabelledPair p : pairs) {
            for (String id : List.of(p.a(), p.b())) {
                String key = id + "\u0000" + p.domain();
                if (!index.containsKey(key)) {
                    AbstractDoc doc = docs.get(id);
                    if (doc == null) {
                        throw new IllegalArgumentException("pair (" + p.a() + ", " + p.b() + ") names document '" + id + "' that is not in the documents");
                    }
                    index.put(key, inputs.size());
                    inputs.add(new EmbedInput(doc.embeddingText(), p.domain()));
                }
            }
        }
        List<Embedding> vectors = embedder.embed(inputs, Role.DOCUMENT);
        Map<String, List<double[]>> byDomain = new TreeMap<>();
        for (LabelledPair p : pairs) {
            float[] a = vectors.get(index.get(p.a() + "\u0000" + p.domain())).vector();
            float[] b = vectors.get(index.get(p.b() + "\u0000" + p.domain())).vector();
            double[] scored = {cosine(a, b), p.label()};
            byDomain.computeIfAbsent(p.domain(), d -> new ArrayList<>()).add(scored);
            byDomain.computeIfAbsent(ALL, d -> new ArrayList<>()).add(scored);
        }
        Map<String, PairMetrics> out = new LinkedHashMap<>();
        byDomain.forEach((domain, rows) -> {
            if (!domain.equals(ALL)) {
                out.put(domain, metrics(rows));
            }
        });
        out.put(ALL, metrics(byDomain.getOrDefault(ALL, List.of())));
        return out;
    }

    private static PairMetrics metrics(List<double[]> rows) {
        double[] scores = rows.stream().mapToDouble(r -> r[0]).toArray();
        int[] labels = rows.stream().mapToInt(r -> (int) r[1]).toArray();
        return PairMetrics.of(scores, labels);
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}

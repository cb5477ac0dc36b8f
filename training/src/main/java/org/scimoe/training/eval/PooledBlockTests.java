package org.scimoe.training.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.embed.Role;
import org.scimoe.eval.BeirCollection;
import org.scimoe.eval.ModeScores;
import org.scimoe.eval.RetrievalEvaluator;
import org.scimoe.lucene.AbstractDoc;
import org.scimoe.lucene.SearchMode;
import org.scimoe.training.pairs.LabelledPair;
import org.scimoe.training.train.PooledTexts;

/**
 * The held-out tests of an SB-MoE block on a frozen encoder, run on pooled vectors: kNN nDCG@10,
 * Recall@100 and MRR@10 on BEIR benchmarks (the engine's {@link RetrievalEvaluator}: the same Lucene
 * index, search and metrics as {@code scimoe eval}) and F1max on labelled pairs, for the base (the
 * identity) and the block side by side. Each text is pooled once, before the first test needs it.
 *
 * @param benchmarks name → BEIR directory and its judgments file (null: the directory's qrels/test.tsv)
 */
public record PooledBlockTests(Map<String, Benchmark> benchmarks, List<LabelledPair> pairs, Map<String, AbstractDoc> pairDocs) {
    public record Benchmark(Path dir, Path qrels) {
        BeirCollection load() {
            return qrels == null ? BeirCollection.load(dir) : BeirCollection.load(dir, qrels);
        }
    }

    /** Runs every test for the base and for {@code block}; results under "base" and "block". */
    public ObjectNode run(BundleManifest base, PooledTexts pooled, UnaryOperator<NDArray> block, Supplier<NDManager> scopes,
                          ObjectNode out, PrintWriter log) {
        Map<String, BeirCollection> loaded = new java.util.LinkedHashMap<>();
        benchmarks.forEach((name, b) -> loaded.put(name, b.load()));
        poolEverything(loaded, pooled);
        Map<String, UnaryOperator<NDArray>> heads = new java.util.LinkedHashMap<>();
        heads.put("base", x -> x);
        heads.put("block", block);
        heads.forEach((label, head) -> {
            ObjectNode node = out.putObject(label);
            PooledHeadEmbedder embedder = new PooledHeadEmbedder(base, pooled, head, scopes);
            loaded.forEach((name, collection) -> {
                ModeScores s = new RetrievalEvaluator(embedder, null).evaluate(collection, Set.of(SearchMode.KNN), null).get(SearchMode.KNN);
                node.putObject(name).put("ndcg10", s.ndcgAt10()).put("recall100", s.recallAt100()).put("mrr10", s.mrrAt10())
                        .put("queries", s.queries());
                log.printf(Locale.ROOT, "test %-5s %-28s nDCG@10 %.4f  R@100 %.4f  (%d queries)%n", label, name, s.ndcgAt10(),
                        s.recallAt100(), s.queries());
            });
            if (!pairs.isEmpty()) {
                ObjectNode f1 = node.putObject("f1max");
                PairEvaluation.evaluate(embedder, pairs, pairDocs).forEach((domain, m) -> f1.put(domain, m.f1max()));
                log.printf(Locale.ROOT, "test %-5s F1max All %.4f%n", label, f1.path(PairEvaluation.ALL).asDouble());
            }
        });
        return out;
    }

    /** Pools every document and query text once, in two passes, before the evaluators ask for them slice by slice. */
    private void poolEverything(Map<String, BeirCollection> loaded, PooledTexts pooled) {
        List<String> documents = new ArrayList<>();
        List<String> queries = new ArrayList<>();
        loaded.values().forEach(c -> {
            c.corpus().forEach(d -> documents.add(d.embeddingText()));
            queries.addAll(c.queries().values());
        });
        pairs.forEach(p -> List.of(p.a(), p.b()).forEach(id -> {
            AbstractDoc doc = pairDocs.get(id);
            if (doc != null) { // a pair naming an unknown document fails in PairEvaluation, with its name
                documents.add(doc.embeddingText());
            }
        }));
        pooled.byText(documents.stream().distinct().toList(), Role.DOCUMENT);
        pooled.byText(queries.stream().distinct().toList(), Role.QUERY);
    }
}

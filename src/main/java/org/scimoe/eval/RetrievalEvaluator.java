package org.scimoe.eval;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.scimoe.ScimoeException;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;
import org.scimoe.lucene.AbstractDoc;
import org.scimoe.lucene.AbstractIndexWriter;
import org.scimoe.lucene.AbstractSearcher;
import org.scimoe.lucene.ScreenedDocs;
import org.scimoe.lucene.VectorQuantization;
import org.scimoe.lucene.SearchHit;
import org.scimoe.lucene.SearchMode;

/**
 * Evaluates search modes on a {@link BeirCollection}: indexes its corpus in memory with the embedder,
 * embeds the queries in batches, retrieves the top 100 per mode and averages nDCG@10, Recall@100 and
 * MRR@10 over the queries that have at least one relevant document (as BEIR does).
 */
public final class RetrievalEvaluator {
    static final int DEPTH = 100;

    private final TextEmbedder embedder;
    private final String queryDomain;
    private final VectorCache cache;
    private final VectorQuantization quantization;

    /** @param queryDomain domain to route queries to (domain-routed bundles), or null */
    public RetrievalEvaluator(TextEmbedder embedder, String queryDomain) {
        this(embedder, queryDomain, null, VectorQuantization.NONE);
    }

    /**
     * @param cache         where document vectors are kept between runs, or null to embed every time
     * @param quantization  how the evaluation index stores vectors
     */
    public RetrievalEvaluator(TextEmbedder embedder, String queryDomain, VectorCache cache, VectorQuantization quantization) {
        this.embedder = embedder;
        this.queryDomain = queryDomain;
        this.cache = cache;
        this.quantization = quantization;
    }

    public Map<SearchMode, ModeScores> evaluate(BeirCollection collection, Set<SearchMode> modes, LongConsumer progress) {
        try (Directory dir = new ByteBuffersDirectory()) {
            return evaluate(collection, modes, progress, dir);
        } catch (IOException e) {
            throw new ScimoeException("evaluation index failed: " + e.getMessage(), e);
        }
    }

    /** As {@link #evaluate(BeirCollection, Set, LongConsumer)}, building the index in {@code dir} (an empty directory). */
    public Map<SearchMode, ModeScores> evaluate(BeirCollection collection, Set<SearchMode> modes, LongConsumer progress, Directory dir) {
        ScreenedDocs screened = ScreenedDocs.screen(collection.corpus().stream().map(this::withDomain).toList(), embedder);
        if (!screened.rejected().isEmpty()) {
            throw new ScimoeException(collection.name() + ": " + screened.rejected().size()
                    + " documents could not be indexed, first: " + screened.rejected().get(0));
        }
        List<Embedding> docVectors = cache == null
                ? embedder.embed(screened.inputs(), Role.DOCUMENT, progress)
                : cache.embed(embedder, screened.inputs(), Role.DOCUMENT, progress);
        try (AbstractIndexWriter writer = new AbstractIndexWriter(dir, embedder, quantization)) {
            for (int i = 0; i < docVectors.size(); i++) {
                writer.addEmbedded(screened.accepted().get(i), docVectors.get(i));
            }
            writer.commit(null);
        }
        List<String> ids = new ArrayList<>();
        for (String qid : collection.qrels().keySet()) {
            if (collection.queries().containsKey(qid) && RetrievalMetrics.hasRelevant(collection.qrels().get(qid))) {
                ids.add(qid);
            }
        }
        List<float[]> vectors = queryVectors(collection, ids, modes);
        Map<SearchMode, ModeScores> scores = new EnumMap<>(SearchMode.class);
        try (AbstractSearcher searcher = new AbstractSearcher(dir, embedder)) {
            for (SearchMode mode : modes) {
                double ndcg = 0, recall = 0, mrr = 0;
                long nanos = 0;
                for (int i = 0; i < ids.size(); i++) {
                    String qid = ids.get(i);
                    long start = System.nanoTime();
                    List<SearchHit> hits = searcher.search(collection.queries().get(qid), vectors == null ? null : vectors.get(i),
                            mode, DEPTH, null);
                    nanos += System.nanoTime() - start;
                    List<String> ranking = hits.stream().map(SearchHit::id).filter(id -> !id.equals(qid)).toList();
                    Map<String, Integer> judged = collection.qrels().get(qid);
                    ndcg += RetrievalMetrics.ndcg(ranking, judged, 10);
                    recall += RetrievalMetrics.recall(ranking, judged, DEPTH);
                    mrr += RetrievalMetrics.reciprocalRank(ranking, judged, 10);
                }
                int n = Math.max(1, ids.size());
                scores.put(mode, new ModeScores(ndcg / n, recall / n, mrr / n, ids.size(), nanos / 1e6 / n));
            }
        }
        return scores;
    }

    private AbstractDoc withDomain(AbstractDoc doc) {
        // a domain-routed bundle encodes the whole collection with the collection's expert
        return queryDomain == null ? doc : new AbstractDoc(doc.id(), doc.title(), doc.text(), queryDomain);
    }

    private List<float[]> queryVectors(BeirCollection collection, List<String> ids, Set<SearchMode> modes) {
        if (modes.equals(Set.of(SearchMode.BM25))) {
            return null;
        }
        List<EmbedInput> inputs = ids.stream().map(id -> new EmbedInput(collection.queries().get(id), queryDomain)).toList();
        return embedder.embed(inputs, Role.QUERY).stream().map(Embedding::vector).toList();
    }
}

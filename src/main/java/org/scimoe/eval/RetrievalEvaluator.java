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
import org.scimoe.lucene.Chunking;
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
    private final Chunking chunking;

    /** @param queryDomain domain to route queries to (domain-routed bundles), or null */
    public RetrievalEvaluator(TextEmbedder embedder, String queryDomain) {
        this(embedder, queryDomain, null, VectorQuantization.NONE);
    }

    /**
     * @param cache         where document vectors are kept between runs, or null to embed every time
     * @param quantization  how the evaluation index stores vectors
     */
    public RetrievalEvaluator(TextEmbedder embedder, String queryDomain, VectorCache cache, VectorQuantization quantization) {
        this(embedder, queryDomain, cache, quantization, null);
    }

    /**
     * @param chunking how documents are cut into passages (a chunked evaluation index: kNN ranks each
     *                 document by its best passage), or null to embed each document whole
     */
    public RetrievalEvaluator(TextEmbedder embedder, String queryDomain, VectorCache cache, VectorQuantization quantization,
                              Chunking chunking) {
        this.embedder = embedder;
        this.queryDomain = queryDomain;
        this.cache = cache;
        this.quantization = quantization;
        this.chunking = chunking;
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
        try (AbstractIndexWriter writer = new AbstractIndexWriter(dir, embedder, quantization, chunking)) {
            if (chunking == null) {
                List<Embedding> docVectors = embed(screened.inputs(), progress);
                for (int i = 0; i < docVectors.size(); i++) {
                    writer.addEmbedded(screened.accepted().get(i), docVectors.get(i));
                }
            } else {
                List<AbstractIndexWriter.DocPassages> cuts = new ArrayList<>();
                List<EmbedInput> inputs = new ArrayList<>();
                for (AbstractDoc doc : screened.accepted()) {
                    AbstractIndexWriter.DocPassages cut = writer.split(doc);
                    cuts.add(cut);
                    inputs.addAll(cut.inputs(doc.domain()));
                }
                List<Embedding> vectors = embed(inputs, asDocuments(progress, cuts.size(), inputs.size()));
                int from = 0;
                for (int i = 0; i < cuts.size(); i++) {
                    int n = cuts.get(i).passages().size();
                    writer.addPassages(screened.accepted().get(i), cuts.get(i), vectors.subList(from, from + n));
                    from += n;
                }
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

    private List<Embedding> embed(List<EmbedInput> inputs, LongConsumer progress) {
        return cache == null ? embedder.embed(inputs, Role.DOCUMENT, progress) : cache.embed(embedder, inputs, Role.DOCUMENT, progress);
    }

    /** Progress in passages reported as documents (the caller counts documents). */
    private static LongConsumer asDocuments(LongConsumer progress, int documents, int passages) {
        if (progress == null) {
            return null;
        }
        long[] done = new long[2]; // passages, documents reported
        return n -> {
            done[0] += n;
            long docs = passages == 0 ? documents : done[0] * documents / passages;
            if (docs > done[1]) {
                progress.accept(docs - done[1]);
                done[1] = docs;
            }
        };
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

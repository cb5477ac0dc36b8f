package org.scimoe.lucene;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.join.BitSetProducer;
import org.apache.lucene.search.join.DiversifyingChildrenFloatKnnVectorQuery;
import org.apache.lucene.search.join.QueryBitSetProducer;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.BitSet;
import org.apache.lucene.util.QueryBuilder;
import org.scimoe.ScimoeException;
import org.scimoe.embed.DocumentText;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;

/**
 * Searches an index written by {@link AbstractIndexWriter}: by text (embedded with the same model),
 * by a vector the caller already has, by BM25, or both fused. Every mode takes an optional domain filter.
 * <p>
 * On a chunked index (the commit says so) kNN searches the passages and returns each document once,
 * scored by its best passage, which the hit carries ({@link SearchHit#passage()}); BM25 searches the
 * documents' whole text, and hybrid fuses the two by document as usual.
 */
public final class AbstractSearcher implements AutoCloseable {
    /** How many candidates each side hands to fusion, and the floor for kNN's candidate list. */
    static final int CANDIDATES = 100;

    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final TextEmbedder embedder;
    private final Analyzer analyzer = IndexFields.analyzer();
    /** The parents of a chunked index's blocks, else null. */
    private final BitSetProducer documents;
    private final String chunking;

    public AbstractSearcher(Directory directory, TextEmbedder embedder) {
        this.embedder = embedder;
        try {
            this.reader = DirectoryReader.open(directory);
        } catch (IOException e) {
            throw new ScimoeException("cannot open the index: " + e.getMessage(), e);
        }
        this.searcher = new IndexSearcher(reader);
        try {
            Map<String, String> data = reader.getIndexCommit().getUserData();
            checkModel(data);
            this.chunking = data.get(IndexFields.COMMIT_CHUNKING);
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            throw e instanceof ScimoeException se ? se : new ScimoeException("cannot read the index commit: " + e.getMessage(), e);
        }
        this.documents = chunking == null ? null : new QueryBitSetProducer(new TermQuery(new Term(IndexFields.KIND, IndexFields.KIND_DOCUMENT)));
    }

    private void checkModel(Map<String, String> data) {
        String model = data.get(IndexFields.COMMIT_MODEL);
        if (model != null && !model.equals(embedder.manifest().name())) {
            throw new ScimoeException("this index was built with model '" + model + "'; search it with --model " + model
                    + " (you asked for '" + embedder.manifest().name() + "')");
        }
    }

    private void closeQuietly() {
        try {
            reader.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    /** Documents in the index (not passages). */
    public int documentCount() {
        if (documents == null) {
            return reader.numDocs();
        }
        try {
            return searcher.count(new TermQuery(new Term(IndexFields.KIND, IndexFields.KIND_DOCUMENT)));
        } catch (IOException e) {
            throw new ScimoeException("cannot count the documents: " + e.getMessage(), e);
        }
    }

    /** Whether documents were indexed as passages. */
    public boolean chunked() {
        return documents != null;
    }

    /** The chunked index's passage settings, {@code "<max tokens>/<overlap tokens>"}, else null. */
    public String chunking() {
        return chunking;
    }

    /** Searches by text; for kNN and hybrid the text is embedded as a query, routed to {@code queryDomain}. */
    public List<SearchHit> search(String text, SearchMode mode, int k, String domainFilter, String queryDomain) {
        float[] vector = mode == SearchMode.BM25 ? null : embedder.embedOne(text, queryDomain, Role.QUERY).vector();
        return search(text, vector, mode, k, domainFilter);
    }

    /** Searches with a query vector the caller already computed (e.g. a batch of queries embedded at once). */
    public List<SearchHit> search(String text, float[] vector, SearchMode mode, int k, String domainFilter) {
        return switch (mode) {
            case KNN -> knn(vector, k, domainFilter);
            case BM25 -> bm25(text, k, domainFilter);
            // BM25 first, as the plugin's scimoe_hybrid short form: the order decides ties (RankFusion).
            case HYBRID -> RankFusion.fuse(List.of(
                    bm25(text, Math.max(k, CANDIDATES), domainFilter),
                    knn(vector, Math.max(k, CANDIDATES), domainFilter)), k);
        };
    }

    private List<SearchHit> knn(float[] vector, int k, String domainFilter) {
        if (vector.length != embedder.manifest().dimensions()) {
            throw new ScimoeException("query vector has " + vector.length + " dimensions; the index has " + embedder.manifest().dimensions());
        }
        // Ask HNSW for at least CANDIDATES neighbours: a wider beam gives near-exact top-k on small collections.
        if (documents != null) {
            // The best passage per document: HNSW over the passages, diversified by parent block.
            Query passages = filter(domainFilter) == null ? null : new BooleanQuery.Builder()
                    .add(filter(domainFilter), BooleanClause.Occur.FILTER)
                    .add(new TermQuery(new Term(IndexFields.KIND, IndexFields.KIND_PASSAGE)), BooleanClause.Occur.FILTER).build();
            Query query = new DiversifyingChildrenFloatKnnVectorQuery(IndexFields.VECTOR, vector, passages,
                    Math.max(k, CANDIDATES), documents);
            List<SearchHit> hits = runPassages(query, Math.max(k, CANDIDATES));
            return hits.size() > k ? hits.subList(0, k) : hits;
        }
        Query query = new KnnFloatVectorQuery(IndexFields.VECTOR, vector, Math.max(k, CANDIDATES), filter(domainFilter));
        List<SearchHit> hits = run(query, Math.max(k, CANDIDATES));
        return hits.size() > k ? hits.subList(0, k) : hits;
    }

    /** Hits of a query that matches passages: each one's document (the parent after it in its block) with the passage. */
    private List<SearchHit> runPassages(Query query, int k) {
        try {
            TopDocs top = searcher.search(query, k);
            List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
            List<LeafReaderContext> leaves = reader.leaves();
            for (ScoreDoc sd : top.scoreDocs) {
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
                BitSet parents = documents.getBitSet(leaf);
                int parent = leaf.docBase + parents.nextSetBit(sd.doc - leaf.docBase);
                Document child = searcher.storedFields().document(sd.doc);
                Document d = searcher.storedFields().document(parent);
                String title = d.get(IndexFields.TITLE);
                String text = d.get(IndexFields.TEXT);
                int offset = child.getField(IndexFields.OFFSET).numericValue().intValue();
                int length = child.getField(IndexFields.LENGTH).numericValue().intValue();
                String embedded = DocumentText.of(title, text);
                String passage = embedded == null || offset + length > embedded.length() ? null : embedded.substring(offset, offset + length);
                hits.add(new SearchHit(d.get(IndexFields.ID), title, text, d.get(IndexFields.DOMAIN), sd.score,
                        new SearchHit.Passage(offset, length, passage, sd.score)));
            }
            return hits;
        } catch (IOException e) {
            throw new ScimoeException("search failed: " + e.getMessage(), e);
        }
    }

    private List<SearchHit> bm25(String text, int k, String domainFilter) {
        Query words = new QueryBuilder(analyzer).createBooleanQuery(IndexFields.BODY, text == null ? "" : text);
        if (words == null) {
            words = new MatchNoDocsQuery("the query has no searchable words");
        }
        Query filter = filter(domainFilter);
        if (filter != null) {
            words = new BooleanQuery.Builder().add(words, BooleanClause.Occur.MUST).add(filter, BooleanClause.Occur.FILTER).build();
        }
        return run(words, k);
    }

    private static Query filter(String domain) {
        return domain == null ? null : new TermQuery(new Term(IndexFields.DOMAIN, domain));
    }

    private List<SearchHit> run(Query query, int k) {
        try {
            TopDocs top = searcher.search(query, k);
            List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc sd : top.scoreDocs) {
                Document d = searcher.storedFields().document(sd.doc);
                hits.add(new SearchHit(d.get(IndexFields.ID), d.get(IndexFields.TITLE), d.get(IndexFields.TEXT),
                        d.get(IndexFields.DOMAIN), sd.score));
            }
            return hits;
        } catch (IOException e) {
            throw new ScimoeException("search failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new ScimoeException("cannot close the index: " + e.getMessage(), e);
        }
    }
}

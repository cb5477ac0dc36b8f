package org.scimoe.lucene;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;
import org.scimoe.ScimoeException;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;

/**
 * Embeds abstracts and writes them to a Lucene index (layout in {@link IndexFields}). Documents are
 * embedded in chunks so the encoder can batch; a document the encoder cannot take (empty text, unknown
 * domain) is rejected alone with its reason. Re-adding an id replaces the old document.
 */
public final class AbstractIndexWriter implements AutoCloseable {
    private static final int CHUNK = 64;

    private final IndexWriter writer;
    private final TextEmbedder embedder;
    private final VectorQuantization quantization;
    private final List<AbstractDoc> pending = new ArrayList<>();
    private final List<String> rejected = new ArrayList<>();
    private long indexed;
    private long truncated;

    public AbstractIndexWriter(Directory directory, TextEmbedder embedder) {
        this(directory, embedder, VectorQuantization.NONE);
    }

    /** @param quantization how vectors are stored for HNSW search (recorded in the commit) */
    public AbstractIndexWriter(Directory directory, TextEmbedder embedder, VectorQuantization quantization) {
        this.embedder = embedder;
        this.quantization = quantization;
        IndexWriterConfig config = new IndexWriterConfig(IndexFields.analyzer()).setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
        if (quantization != VectorQuantization.NONE) {
            config.setCodec(quantization.codec());
        }
        try {
            this.writer = new IndexWriter(directory, config);
            checkModel();
        } catch (IOException e) {
            throw new ScimoeException("cannot open the index for writing: " + e.getMessage(), e);
        }
    }

    private void checkModel() throws IOException {
        String existing = null;
        Iterable<Map.Entry<String, String>> commitData = writer.getLiveCommitData();
        if (commitData != null) {
            for (Map.Entry<String, String> e : commitData) {
                if (e.getKey().equals(IndexFields.COMMIT_MODEL)) {
                    existing = e.getValue();
                }
            }
        }
        if (existing != null && !existing.equals(embedder.manifest().name())) {
            throw new ScimoeException("this index holds vectors of model '" + existing + "'; it cannot take vectors of '"
                    + embedder.manifest().name() + "' (index into a new directory)");
        }
    }

    /** Queues a document; it is embedded and written with its chunk. */
    public void add(AbstractDoc doc, LongConsumer progress) {
        pending.add(doc);
        if (pending.size() >= CHUNK) {
            flushPending(progress);
        }
    }

    /** Writes a document whose embedding the caller already has (e.g. from a vector cache), at once. */
    public void addEmbedded(AbstractDoc doc, Embedding embedding) {
        try {
            writer.updateDocument(new Term(IndexFields.ID, doc.id()), document(doc, embedding));
        } catch (IOException e) {
            throw new ScimoeException("cannot write to the index: " + e.getMessage(), e);
        }
        indexed++;
        if (embedding.truncated()) {
            truncated++;
        }
    }

    /** Counts a document that failed before it reached the writer (e.g. a malformed input line). */
    public void reject(String reason) {
        rejected.add(reason);
    }

    private void flushPending(LongConsumer progress) {
        ScreenedDocs screened = ScreenedDocs.screen(pending, embedder);
        rejected.addAll(screened.rejected());
        List<AbstractDoc> good = screened.accepted();
        int count = pending.size();
        pending.clear();
        if (!good.isEmpty()) {
            List<Embedding> vectors = embedder.embed(screened.inputs(), Role.DOCUMENT);
            for (int i = 0; i < good.size(); i++) {
                addEmbedded(good.get(i), vectors.get(i));
            }
        }
        if (progress != null) {
            progress.accept(count);
        }
    }

    private static Document document(AbstractDoc doc, Embedding embedding) {
        Document d = new Document();
        d.add(new StringField(IndexFields.ID, doc.id(), Field.Store.YES));
        if (doc.title() != null) {
            d.add(new StoredField(IndexFields.TITLE, doc.title()));
        }
        if (doc.text() != null) {
            d.add(new StoredField(IndexFields.TEXT, doc.text()));
        }
        if (doc.domain() != null) {
            d.add(new StringField(IndexFields.DOMAIN, doc.domain(), Field.Store.YES));
        }
        d.add(new TextField(IndexFields.BODY, doc.embeddingText(), Field.Store.NO));
        d.add(new KnnFloatVectorField(IndexFields.VECTOR, embedding.vector(), VectorSimilarityFunction.COSINE));
        return d;
    }

    /** Embeds what is queued and commits, recording the model in the commit. */
    public IndexingReport commit(LongConsumer progress) {
        if (!pending.isEmpty()) {
            flushPending(progress);
        }
        Map<String, String> data = new HashMap<>();
        data.put(IndexFields.COMMIT_MODEL, embedder.manifest().name());
        data.put(IndexFields.COMMIT_MODEL_SHA, embedder.manifest().modelSha256());
        data.put(IndexFields.COMMIT_DIMS, Integer.toString(embedder.manifest().dimensions()));
        data.put(IndexFields.COMMIT_QUANTIZATION, quantization.label());
        writer.setLiveCommitData(data.entrySet());
        try {
            writer.commit();
        } catch (IOException e) {
            throw new ScimoeException("cannot commit the index: " + e.getMessage(), e);
        }
        return new IndexingReport(indexed, truncated, List.copyOf(rejected));
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new ScimoeException("cannot close the index: " + e.getMessage(), e);
        }
    }
}

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
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.PassageSplitter.Passage;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;

/**
 * Embeds abstracts and writes them to a Lucene index (layout in {@link IndexFields}). Documents are
 * embedded in chunks so the encoder can batch; a document the encoder cannot take (empty text, unknown
 * domain) is rejected alone with its reason. Re-adding an id replaces the old document.
 * <p>
 * With {@link Chunking} each document is embedded as passages (one vector per passage, in a block-join
 * block with the document), so text beyond the model's window is searchable; a document whose passages
 * stopped at {@link Chunking#maxPassages()} before the end of its text counts as truncated.
 */
public final class AbstractIndexWriter implements AutoCloseable {
    private static final int CHUNK = 64;
    /** Queued text (characters) that makes a chunk too: long documents are embedded a few at a time. */
    private static final long CHUNK_CHARS = 1 << 20;

    private final IndexWriter writer;
    private final TextEmbedder embedder;
    private final VectorQuantization quantization;
    private final Chunking chunking;
    private final List<AbstractDoc> pending = new ArrayList<>();
    private long pendingChars;
    private long passages;
    private final List<String> rejected = new ArrayList<>();
    private long indexed;
    private long truncated;

    public AbstractIndexWriter(Directory directory, TextEmbedder embedder) {
        this(directory, embedder, VectorQuantization.NONE);
    }

    /** @param quantization how vectors are stored for HNSW search (recorded in the commit) */
    public AbstractIndexWriter(Directory directory, TextEmbedder embedder, VectorQuantization quantization) {
        this(directory, embedder, quantization, null);
    }

    /**
     * @param quantization how vectors are stored for HNSW search (recorded in the commit)
     * @param chunking     how documents are cut into passages, or null to embed each document whole
     *                     (recorded in the commit; an index is either chunked or not, with one setting)
     */
    public AbstractIndexWriter(Directory directory, TextEmbedder embedder, VectorQuantization quantization, Chunking chunking) {
        this.embedder = embedder;
        this.quantization = quantization;
        this.chunking = chunking;
        if (chunking != null && chunking.maxTokens() > embedder.manifest().maxTokens()) {
            throw new ScimoeException("passages of " + chunking.maxTokens() + " tokens do not fit model '" + embedder.manifest().name()
                    + "', which reads at most " + embedder.manifest().maxTokens() + " tokens");
        }
        IndexWriterConfig config = new IndexWriterConfig(IndexFields.analyzer()).setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
        if (quantization != VectorQuantization.NONE) {
            config.setCodec(quantization.codec());
        }
        try {
            this.writer = new IndexWriter(directory, config);
            try {
                checkModel();
            } catch (RuntimeException e) {
                writer.rollback(); // releases the write lock, writes nothing
                throw e;
            }
        } catch (IOException e) {
            throw new ScimoeException("cannot open the index for writing: " + e.getMessage(), e);
        }
    }

    private void checkModel() throws IOException {
        Map<String, String> data = new HashMap<>();
        Iterable<Map.Entry<String, String>> commitData = writer.getLiveCommitData();
        if (commitData != null) {
            for (Map.Entry<String, String> e : commitData) {
                data.put(e.getKey(), e.getValue());
            }
        }
        String existing = data.get(IndexFields.COMMIT_MODEL);
        if (existing == null) {
            return; // a new index
        }
        if (!existing.equals(embedder.manifest().name())) {
            throw new ScimoeException("this index holds vectors of model '" + existing + "'; it cannot take vectors of '"
                    + embedder.manifest().name() + "' (index into a new directory)");
        }
        String existingChunking = data.get(IndexFields.COMMIT_CHUNKING);
        String wanted = chunking == null ? null : chunking.label();
        if (!java.util.Objects.equals(existingChunking, wanted)) {
            throw new ScimoeException("this index " + describe(existingChunking) + "; it cannot take documents "
                    + (wanted == null ? "embedded whole" : "as " + describe(wanted).substring("holds ".length()))
                    + " (index into a new directory)");
        }
    }

    private static String describe(String chunkingLabel) {
        if (chunkingLabel == null) {
            return "holds documents embedded whole";
        }
        String[] parts = chunkingLabel.split("/");
        return "holds passages of " + parts[0] + " tokens (overlap " + parts[1] + ")";
    }

    /** Queues a document; it is embedded and written with its chunk. */
    public void add(AbstractDoc doc, LongConsumer progress) {
        pending.add(doc);
        pendingChars += (doc.title() == null ? 0 : doc.title().length()) + (doc.text() == null ? 0 : doc.text().length());
        if (pending.size() >= CHUNK || pendingChars >= CHUNK_CHARS) {
            flushPending(progress);
        }
    }

    /** Writes a document whose embedding the caller already has (e.g. from a vector cache), at once. */
    public void addEmbedded(AbstractDoc doc, Embedding embedding) {
        if (chunking != null) {
            throw new IllegalStateException("a chunked index takes a document's passages (addPassages), not one vector");
        }
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

    /**
     * The passages of a document as this writer's {@link Chunking} cuts its embedded text (title + text),
     * and whether {@code maxPassages} left text out. For callers that embed the passages themselves
     * (e.g. through a vector cache) and then call {@link #addPassages}.
     */
    public DocPassages split(AbstractDoc doc) {
        if (chunking == null) {
            throw new IllegalStateException("this writer does not chunk");
        }
        String text = doc.embeddingText();
        List<Passage> cut = chunking.splitter().split(text, chunking.maxTokens(), chunking.overlapTokens(), chunking.maxPassages());
        boolean leftOut = cut.isEmpty() || !text.substring(cut.get(cut.size() - 1).offset() + cut.get(cut.size() - 1).length()).isBlank();
        return new DocPassages(text, cut, leftOut);
    }

    /** A document's embedded text, its passages, and whether some of the text is in none of them. */
    public record DocPassages(String text, List<Passage> passages, boolean leftOut) {
        /** What the encoder embeds for each passage. */
        public List<EmbedInput> inputs(String domain) {
            return passages.stream().map(p -> new EmbedInput(p.text(text), domain)).toList();
        }
    }

    /** Writes a document as a block of its passages (with their embeddings, in order) and itself, at once. */
    public void addPassages(AbstractDoc doc, DocPassages cut, List<Embedding> embeddings) {
        if (chunking == null) {
            throw new IllegalStateException("this index is not chunked; add the document's vector (addEmbedded)");
        }
        if (embeddings.size() != cut.passages().size()) {
            throw new IllegalArgumentException(cut.passages().size() + " passages but " + embeddings.size() + " embeddings");
        }
        List<Document> block = new ArrayList<>(cut.passages().size() + 1);
        boolean truncatedPassage = false;
        for (int i = 0; i < cut.passages().size(); i++) {
            Passage p = cut.passages().get(i);
            Document child = new Document();
            child.add(new StringField(IndexFields.KIND, IndexFields.KIND_PASSAGE, Field.Store.NO));
            child.add(new StringField(IndexFields.ID, doc.id(), Field.Store.NO));
            if (doc.domain() != null) {
                child.add(new StringField(IndexFields.DOMAIN, doc.domain(), Field.Store.NO));
            }
            child.add(new StoredField(IndexFields.OFFSET, p.offset()));
            child.add(new StoredField(IndexFields.LENGTH, p.length()));
            child.add(new KnnFloatVectorField(IndexFields.VECTOR, embeddings.get(i).vector(), VectorSimilarityFunction.COSINE));
            block.add(child);
            truncatedPassage |= embeddings.get(i).truncated();
        }
        Document parent = fields(doc);
        parent.add(new StringField(IndexFields.KIND, IndexFields.KIND_DOCUMENT, Field.Store.NO));
        block.add(parent); // the parent comes last in its block
        try {
            writer.updateDocuments(new Term(IndexFields.ID, doc.id()), block);
        } catch (IOException e) {
            throw new ScimoeException("cannot write to the index: " + e.getMessage(), e);
        }
        indexed++;
        passages += cut.passages().size();
        if (cut.leftOut() || truncatedPassage) {
            truncated++;
        }
    }

    private void flushPending(LongConsumer progress) {
        ScreenedDocs screened = ScreenedDocs.screen(pending, embedder);
        rejected.addAll(screened.rejected());
        List<AbstractDoc> good = screened.accepted();
        int count = pending.size();
        pending.clear();
        pendingChars = 0;
        if (!good.isEmpty() && chunking != null) {
            List<DocPassages> cuts = new ArrayList<>(good.size());
            List<EmbedInput> inputs = new ArrayList<>();
            for (AbstractDoc doc : good) {
                DocPassages cut = split(doc);
                cuts.add(cut);
                inputs.addAll(cut.inputs(doc.domain()));
            }
            List<Embedding> vectors = embedder.embed(inputs, Role.DOCUMENT);
            int from = 0;
            for (int i = 0; i < good.size(); i++) {
                int n = cuts.get(i).passages().size();
                addPassages(good.get(i), cuts.get(i), vectors.subList(from, from + n));
                from += n;
            }
        } else if (!good.isEmpty()) {
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
        Document d = fields(doc);
        d.add(new KnnFloatVectorField(IndexFields.VECTOR, embedding.vector(), VectorSimilarityFunction.COSINE));
        return d;
    }

    /** A document's own fields: everything but its vector(s). */
    private static Document fields(AbstractDoc doc) {
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
        if (chunking != null) {
            data.put(IndexFields.COMMIT_CHUNKING, chunking.label());
        }
        writer.setLiveCommitData(data.entrySet());
        try {
            writer.commit();
        } catch (IOException e) {
            throw new ScimoeException("cannot commit the index: " + e.getMessage(), e);
        }
        return new IndexingReport(indexed, truncated, List.copyOf(rejected), passages);
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

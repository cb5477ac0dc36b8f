package org.scimoe.lucene;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scimoe.ScimoeException;
import org.scimoe.TestBundles;
import org.scimoe.embed.DocumentText;
import org.scimoe.embed.PassageSplitter;
import org.scimoe.embed.PassageSplitter.Passage;
import org.scimoe.io.AbstractsFile;

/**
 * A chunked index (one vector per passage, block join) with the real int8 MiniLM: a sentence beyond the
 * model's 256-token window is found through its passage and missed when documents are embedded whole;
 * kNN returns each document once with its best passage; offsets point at the passage's text; hybrid and
 * the domain filter work; a 10 MB text is indexed in bounded time and memory.
 */
class ChunkedIndexTest {
    static final String RELEVANT = "Arctic terns navigate their pole-to-pole migration by the geomagnetic field and the position of the sun.";
    static final String QUERY = "how do arctic terns find their way during migration";
    static final int TOKENS = 64;
    static final int OVERLAP = 32;

    private static PassageSplitter splitter;
    private static Directory chunked;
    private static Directory whole;
    private static IndexingReport chunkedReport;
    private static List<AbstractDoc> docs;

    /** About 500 tokens of compiler text, then the one sentence about terns (as the plugin's passage test). */
    static String longText() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 2400; i++) {
            text.append("The optimizing compiler allocates registers to loop variables and spills temporaries to the stack in pass ")
                    .append(i).append(". ");
        }
        return text.append(RELEVANT).append(" The register allocator then runs again.").toString();
    }

    static AbstractDoc longDoc() {
        return new AbstractDoc("long", "Register allocation", longText(), "cs");
    }

    @BeforeAll
    static void index() {
        splitter = PassageSplitter.forBundle(TestBundles.bundle(TestBundles.INT8));
        docs = new ArrayList<>();
        docs.add(longDoc());
        // A short document on a neighbouring subject: the best match when the terns sentence is cut away.
        docs.add(new AbstractDoc("seabirds", "Seabird colonies", "Breeding success of gulls and puffins in seabird colonies on coastal cliffs.", "biology"));
        AbstractsFile.read(TestBundles.resource("beir-medline-slice/corpus.jsonl"),
                d -> { if (docs.size() < 42) docs.add(new AbstractDoc(d.id(), d.title(), d.text(), "medicine")); }, p -> fail(p));
        chunked = new ByteBuffersDirectory();
        try (AbstractIndexWriter writer = new AbstractIndexWriter(chunked, TestBundles.int8(), VectorQuantization.NONE,
                new Chunking(splitter, TOKENS, OVERLAP, Chunking.DEFAULT_MAX_PASSAGES))) {
            docs.forEach(d -> writer.add(d, null));
            chunkedReport = writer.commit(null);
        }
        whole = new ByteBuffersDirectory();
        try (AbstractIndexWriter writer = new AbstractIndexWriter(whole, TestBundles.int8())) {
            docs.forEach(d -> writer.add(d, null));
            writer.commit(null);
        }
    }

    @AfterAll
    static void close() throws Exception {
        chunked.close();
        whole.close();
        splitter.close();
    }

    @Test
    void theSentenceBeyondTheWindowIsFoundThroughItsPassageAndMissedWhole() {
        try (AbstractSearcher searcher = new AbstractSearcher(chunked, TestBundles.int8())) {
            assertTrue(searcher.chunked());
            assertEquals(TOKENS + "/" + OVERLAP, searcher.chunking());
            List<SearchHit> hits = searcher.search(QUERY, SearchMode.KNN, 5, null, null);
            SearchHit top = hits.get(0);
            assertEquals("long", top.id(), hits.toString());
            assertNotNull(top.passage());
            assertTrue(top.passage().text().contains("Arctic terns"), top.passage().text());
            assertEquals(top.score(), top.passage().score(), "a document scores as its best passage");
        }
        try (AbstractSearcher searcher = new AbstractSearcher(whole, TestBundles.int8())) {
            assertFalse(searcher.chunked());
            List<SearchHit> hits = searcher.search(QUERY, SearchMode.KNN, 5, null, null);
            assertNotEquals("long", hits.get(0).id(), "embedded whole, the terns sentence lies beyond the window");
            assertNull(hits.get(0).passage());
        }
        assertEquals(docs.size(), chunkedReport.indexed());
        assertEquals(0, chunkedReport.truncated(), "with passages nothing is cut away");
        assertTrue(chunkedReport.passages() > docs.size(), "passages: " + chunkedReport.passages());
    }

    @Test
    void eachDocumentIsListedOnceInEveryMode() {
        try (AbstractSearcher searcher = new AbstractSearcher(chunked, TestBundles.int8())) {
            assertEquals(docs.size(), searcher.documentCount(), "documents, not passages");
            for (SearchMode mode : SearchMode.values()) {
                List<SearchHit> hits = searcher.search("lens proteins of the eye", mode, 30, null, null);
                Set<String> ids = new HashSet<>();
                hits.forEach(h -> assertTrue(ids.add(h.id()), mode + ": " + h.id() + " listed twice"));
                if (mode != SearchMode.BM25) {
                    assertEquals(30, hits.size(), mode.label());
                }
            }
        }
    }

    @Test
    void hybridOnAChunkedIndexFusesPassageKnnWithBm25OnTheWholeText() {
        try (AbstractSearcher searcher = new AbstractSearcher(chunked, TestBundles.int8())) {
            List<SearchHit> hybrid = searcher.search(QUERY, SearchMode.HYBRID, 5, null, null);
            assertEquals("long", hybrid.get(0).id());
            assertTrue(hybrid.get(0).passage().text().contains("Arctic terns"), "the kNN side's best passage is kept");
            List<SearchHit> bm25 = searcher.search("geomagnetic", SearchMode.BM25, 5, null, null);
            assertEquals(List.of("long"), bm25.stream().map(SearchHit::id).toList(), "BM25 sees the whole text");
        }
    }

    @Test
    void domainFilterAppliesToPassages() {
        try (AbstractSearcher searcher = new AbstractSearcher(chunked, TestBundles.int8())) {
            List<SearchHit> hits = searcher.search(QUERY, SearchMode.KNN, 10, "medicine", null);
            assertEquals(10, hits.size());
            assertTrue(hits.stream().allMatch(h -> "medicine".equals(h.domain())), hits.toString());
            assertEquals("long", searcher.search(QUERY, SearchMode.KNN, 10, "cs", null).get(0).id());
        }
    }

    @Test
    void storedPassagesAreTheSplittersPassagesOfTitlePlusText() throws Exception {
        AbstractDoc doc = longDoc();
        String embedded = DocumentText.of(doc.title(), doc.text());
        List<Passage> expected = splitter.split(embedded, TOKENS, OVERLAP, Chunking.DEFAULT_MAX_PASSAGES);
        assertTrue(expected.size() >= 8, "passages: " + expected.size());
        try (DirectoryReader reader = DirectoryReader.open(chunked)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            var query = new BooleanQuery.Builder()
                    .add(new TermQuery(new Term(IndexFields.ID, "long")), BooleanClause.Occur.FILTER)
                    .add(new TermQuery(new Term(IndexFields.KIND, IndexFields.KIND_PASSAGE)), BooleanClause.Occur.FILTER).build();
            ScoreDoc[] children = searcher.search(query, 10_000, Sort.INDEXORDER).scoreDocs;
            assertEquals(expected.size(), children.length);
            for (int i = 0; i < children.length; i++) {
                Document child = searcher.storedFields().document(children[i].doc);
                int offset = child.getField(IndexFields.OFFSET).numericValue().intValue();
                int length = child.getField(IndexFields.LENGTH).numericValue().intValue();
                assertEquals(expected.get(i), new Passage(offset, length), "passage " + i);
            }
        }
        try (AbstractSearcher searcher = new AbstractSearcher(chunked, TestBundles.int8())) {
            for (SearchHit h : searcher.search(QUERY, SearchMode.KNN, 20, null, null)) {
                String text = DocumentText.of(h.title(), h.text());
                SearchHit.Passage p = h.passage();
                assertEquals(text.substring(p.offset(), p.offset() + p.length()), p.text(), h.id());
                assertFalse(p.text().isBlank());
            }
        }
    }

    @Test
    void reAddingADocumentReplacesItsWholeBlock() throws Exception {
        try (Directory dir = new ByteBuffersDirectory()) {
            Chunking chunking = new Chunking(splitter, TOKENS, OVERLAP, 100);
            for (int round = 0; round < 2; round++) {
                try (AbstractIndexWriter writer = new AbstractIndexWriter(dir, TestBundles.int8(), VectorQuantization.NONE, chunking)) {
                    writer.add(longDoc(), null);
                    writer.add(docs.get(1), null);
                    writer.commit(null);
                }
            }
            try (AbstractSearcher searcher = new AbstractSearcher(dir, TestBundles.int8())) {
                assertEquals(2, searcher.documentCount());
                assertEquals(List.of("long", "seabirds"), searcher.search(QUERY, SearchMode.KNN, 10, null, null).stream().map(SearchHit::id).toList());
            }
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                int passages = splitter.split(DocumentText.of(longDoc().title(), longDoc().text()), TOKENS, OVERLAP, 100).size() + 1;
                assertEquals(passages + 2, reader.numDocs(), "one block per document, the old blocks deleted");
            }
            // An index is chunked one way: whole documents or other passages are refused.
            ScimoeException mixed = assertThrows(ScimoeException.class, () -> new AbstractIndexWriter(dir, TestBundles.int8()));
            assertTrue(mixed.getMessage().contains("holds passages of 64 tokens (overlap 32)"), mixed.getMessage());
            ScimoeException other = assertThrows(ScimoeException.class, () -> new AbstractIndexWriter(dir, TestBundles.int8(),
                    VectorQuantization.NONE, new Chunking(splitter, 128, 0, 100)));
            assertTrue(other.getMessage().contains("cannot take documents as passages of 128 tokens"), other.getMessage());
        }
        ScimoeException wholeIndex = assertThrows(ScimoeException.class, () -> new AbstractIndexWriter(whole, TestBundles.int8(),
                VectorQuantization.NONE, new Chunking(splitter, TOKENS, OVERLAP, 100)));
        assertTrue(wholeIndex.getMessage().contains("holds documents embedded whole"), wholeIndex.getMessage());
        ScimoeException tooLong = assertThrows(ScimoeException.class, () -> new AbstractIndexWriter(new ByteBuffersDirectory(),
                TestBundles.int8(), VectorQuantization.NONE, new Chunking(splitter, 4096, 0, 100)));
        assertTrue(tooLong.getMessage().contains("reads at most 256 tokens"), tooLong.getMessage());
    }

    @Test
    void aTenMegabyteTextIsIndexedAsAtMostMaxPassagesQuickly() {
        StringBuilder b = new StringBuilder(10_500_000);
        b.append(RELEVANT).append(' ');
        for (int i = 0; b.length() < 10_000_000; i++) {
            b.append("Sentence number ").append(i).append(" describes the boundary-layer transition of flow ").append(i % 7).append(". ");
        }
        String text = b.toString();
        long start = System.nanoTime();
        try (Directory dir = new ByteBuffersDirectory()) {
            IndexingReport report;
            try (AbstractIndexWriter writer = new AbstractIndexWriter(dir, TestBundles.int8(), VectorQuantization.NONE,
                    new Chunking(splitter, TOKENS, 0, 20))) {
                writer.add(new AbstractDoc("huge", "A very long report", text, null), null);
                writer.add(docs.get(1), null);
                report = writer.commit(null);
            }
            assertEquals(2, report.indexed());
            assertEquals(21, report.passages(), "20 passages of the long text (max passages), 1 of the short one");
            assertEquals(1, report.truncated(), "text beyond the 20th passage is left out and counted");
            try (AbstractSearcher searcher = new AbstractSearcher(dir, TestBundles.int8())) {
                SearchHit top = searcher.search(QUERY, SearchMode.KNN, 2, null, null).get(0);
                assertEquals("huge", top.id());
                assertEquals(text.length(), top.text().length(), "the whole text is stored");
                assertTrue(top.passage().text().contains("Arctic terns"), top.passage().text());
                assertEquals(1, searcher.search("geomagnetic", SearchMode.BM25, 5, null, null).size(), "BM25 indexed the whole text");
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 60, "took " + seconds + " s");
    }
}

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.FSDirectory;
import org.scimoe.lucene.VectorQuantization;

/**
 * HNSW search latency on an index that {@code scimoe index} wrote (field "vector", cosine), without
 * embedding: the queries are the vectors of documents spread over the index (their own document is a
 * hit, as for a near-duplicate query). Run by bench/vector-search.sh; method there and in BENCHMARKS.md.
 *
 *   copy SRC DST QUANTIZATION   the vectors of SRC into one merged segment in DST, stored as QUANTIZATION
 *   search INDEX QUERIES K      per-query latency (ms) of K-nearest search over QUERIES document vectors,
 *                               after one warm-up pass; recall@10 against exact float search
 */
public class VectorSearchBench {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "copy" -> copy(Path.of(args[1]), Path.of(args[2]), VectorQuantization.parse(args[3]));
            case "search" -> search(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("copy | search");
        }
    }

    record Vectors(List<String> ids, List<float[]> values) {}

    static Vectors read(DirectoryReader reader) throws Exception {
        List<String> ids = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        for (LeafReaderContext leaf : reader.leaves()) {
            FloatVectorValues v = leaf.reader().getFloatVectorValues("vector");
            StoredFields stored = leaf.reader().storedFields();
            KnnVectorValues.DocIndexIterator it = v.iterator();
            for (int doc = it.nextDoc(); doc != KnnVectorValues.DocIndexIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                ids.add(stored.document(doc).get("id"));
                values.add(v.vectorValue(it.index()).clone());
            }
        }
        return new Vectors(ids, values);
    }

    static void copy(Path src, Path dst, VectorQuantization q) throws Exception {
        Vectors all;
        try (DirectoryReader reader = DirectoryReader.open(FSDirectory.open(src))) {
            all = read(reader);
        }
        // separate files, so each vector file can be measured (a small flushed segment would be one compound file)
        IndexWriterConfig config = new IndexWriterConfig().setCodec(q.codec()).setUseCompoundFile(false);
        try (IndexWriter w = new IndexWriter(FSDirectory.open(dst), config)) {
            for (int i = 0; i < all.ids().size(); i++) {
                Document d = new Document();
                d.add(new StringField("id", all.ids().get(i), Field.Store.YES));
                d.add(new KnnFloatVectorField("vector", all.values().get(i), VectorSimilarityFunction.COSINE));
                w.addDocument(d);
            }
            w.forceMerge(1);
        }
        long total = 0;
        StringBuilder files = new StringBuilder();
        try (Stream<Path> list = Files.list(dst)) {
            for (Path f : list.sorted().toList()) {
                String name = f.getFileName().toString();
                int dot = name.lastIndexOf('.');
                String ext = dot < 0 ? name : name.substring(dot + 1);
                if (Set.of("vec", "vex", "veq", "vemf", "vemq", "vem").contains(ext)) {
                    files.append(String.format(Locale.ROOT, ",\"%s\":%d", ext, Files.size(f)));
                    total += Files.size(f);
                }
            }
        }
        System.out.printf(Locale.ROOT, "{\"quantize\":\"%s\",\"docs\":%d,\"vector_bytes\":%d%s}%n", q.label(), all.ids().size(), total, files);
    }

    static void search(Path index, int queries, int k) throws Exception {
        try (DirectoryReader reader = DirectoryReader.open(FSDirectory.open(index))) {
            IndexSearcher searcher = new IndexSearcher(reader);
            Vectors all = read(reader);
            int n = all.ids().size();
            int step = Math.max(1, n / queries);
            List<float[]> qs = new ArrayList<>();
            for (int i = 0; i < n && qs.size() < queries; i += step) {
                qs.add(all.values().get(i));
            }
            for (float[] q : qs) { // warm-up: the graph and vectors paged in, the JIT done
                searcher.search(new KnnFloatVectorQuery("vector", q, k), k);
            }
            double[] ms = new double[qs.size()];
            double recall = 0;
            for (int i = 0; i < qs.size(); i++) {
                long start = System.nanoTime();
                ScoreDoc[] hits = searcher.search(new KnnFloatVectorQuery("vector", qs.get(i), k), k).scoreDocs;
                ms[i] = (System.nanoTime() - start) / 1e6;
                Set<String> got = new HashSet<>();
                StoredFields stored = reader.storedFields();
                for (int h = 0; h < Math.min(10, hits.length); h++) {
                    got.add(stored.document(hits[h].doc).get("id"));
                }
                List<String> exact = exactTop10(all, qs.get(i));
                recall += exact.stream().filter(got::contains).count() / (double) exact.size();
            }
            Arrays.sort(ms);
            System.out.printf(Locale.ROOT, "{\"index\":\"%s\",\"docs\":%d,\"queries\":%d,\"k\":%d,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"mean_ms\":%.3f,\"recall@10\":%.4f,\"vector_api\":%b}%n",
                    index.getFileName(), n, qs.size(), k, ms[ms.length / 2], ms[(int) (ms.length * 0.9)], Arrays.stream(ms).average().orElse(0),
                    recall / qs.size(), ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        }
    }

    static List<String> exactTop10(Vectors all, float[] q) {
        Integer[] order = new Integer[all.values().size()];
        double[] score = new double[order.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            score[i] = VectorSimilarityFunction.COSINE.compare(q, all.values().get(i));
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        List<String> top = new ArrayList<>();
        for (int i = 0; i < 10 && i < order.length; i++) {
            top.add(all.ids().get(order[i]));
        }
        return top;
    }
}

package org.scimoe.elasticsearch.model;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.elasticsearch.test.ESTestCase;
import org.scimoe.elasticsearch.ScimoeTestBundles;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;
import org.scimoe.runtime.DeviceRequest;

/**
 * The registry's two sessions per bundle, with the real MiniLM: query texts on the single-core query session give the
 * vectors of the one-session registry (same graph, same arithmetic), documents too, the counters add up, and closing
 * the model closes both sessions.
 */
public class QuerySessionEncoderTests extends ESTestCase {
    private static final EncoderOptions CPU = EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU).withThreads(2);

    public void testQueryTextsOnTheirOwnSessionGiveTheSameVectors() {
        List<EmbedInput> texts = List.of(EmbedInput.of("boundary layer transition on a swept wing"),
                EmbedInput.of("serum cholesterol in middle-aged men and the risk of heart disease"));
        try (ModelRegistry one = new ModelRegistry(List.of(ScimoeTestBundles.dir()), CPU);
             ModelRegistry two = new ModelRegistry(List.of(ScimoeTestBundles.dir()), CPU, 1)) {
            TextEmbedder single = one.encoder("minilm-l6-v2");
            TextEmbedder split = two.encoder("minilm-l6-v2");
            for (Role role : Role.values()) {
                List<Embedding> a = single.embed(texts, role);
                List<Embedding> b = split.embed(texts, role);
                for (int i = 0; i < texts.size(); i++) {
                    assertArrayEquals(role + " text " + i, a.get(i).vector(), b.get(i).vector(), 1e-5f);
                }
            }
            assertEquals(4, split.stats().texts());
        }
    }

    /**
     * Documents go to the all-core session; a query text goes to the single-core session while another inference runs,
     * and to the all-core one when it is alone (a lone search keeps both cores). The sessions are told apart by their
     * graphs (fp32 for documents, int8 for queries).
     */
    public void testEachRoleGoesToItsSessionAndCloseClosesBoth() throws Exception {
        org.scimoe.bundle.BundleCatalog catalog = org.scimoe.bundle.BundleCatalog.scan(List.of(ScimoeTestBundles.dir()));
        org.scimoe.embed.OnnxEncoder fp32 = org.scimoe.embed.OnnxEncoder.load(catalog.get("minilm-l6-v2"), CPU);
        org.scimoe.embed.OnnxEncoder int8 = org.scimoe.embed.OnnxEncoder.load(catalog.get("minilm-l6-v2-q"), CPU.withThreads(1));
        List<EmbedInput> text = List.of(EmbedInput.of("lift and drag of a swept wing"));
        float[] fp32Query = fp32.embed(text, Role.QUERY).get(0).vector();
        float[] int8Query = int8.embed(text, Role.QUERY).get(0).vector();
        float[] fp32Document = fp32.embed(text, Role.DOCUMENT).get(0).vector();
        CountDownLatch documentRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        QuerySessionEncoder split = new QuerySessionEncoder(new HeldDocuments(fp32, documentRunning, release), int8);

        assertArrayEquals("a lone query text takes the all-core session", fp32Query, split.embed(text, Role.QUERY).get(0).vector(), 0f);
        ExecutorService bulk = Executors.newSingleThreadExecutor();
        try {
            Future<List<Embedding>> document = bulk.submit(() -> split.embed(text, Role.DOCUMENT));
            assertTrue(documentRunning.await(30, TimeUnit.SECONDS));
            assertArrayEquals("beside a running inference, the single-core session", int8Query,
                    split.embed(text, Role.QUERY).get(0).vector(), 0f);
            release.countDown();
            assertArrayEquals(fp32Document, document.get(30, TimeUnit.SECONDS).get(0).vector(), 0f);
        } finally {
            release.countDown();
            bulk.shutdown();
        }
        split.close();
        expectThrows(RuntimeException.class, () -> fp32.embed(text, Role.DOCUMENT));
        expectThrows(RuntimeException.class, () -> int8.embed(text, Role.QUERY));
    }

    /** The real all-core session, whose document inferences wait until the test releases them. */
    private record HeldDocuments(TextEmbedder session, CountDownLatch running, CountDownLatch release) implements TextEmbedder {
        @Override
        public List<Embedding> embed(List<EmbedInput> inputs, Role role) {
            if (role == Role.DOCUMENT) {
                running.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return session.embed(inputs, role);
        }

        @Override
        public org.scimoe.bundle.BundleManifest manifest() {
            return session.manifest();
        }

        @Override
        public org.scimoe.runtime.Device device() {
            return session.device();
        }

        @Override
        public void check(EmbedInput input) {
            session.check(input);
        }

        @Override
        public org.scimoe.embed.EncoderStats stats() {
            return session.stats();
        }

        @Override
        public void close() {
            session.close();
        }
    }
}

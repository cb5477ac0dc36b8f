package org.scimoe.elasticsearch.model;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.lessThan;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.test.ESTestCase;
import org.scimoe.elasticsearch.ScimoeTestBundles;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;
import org.scimoe.runtime.DeviceRequest;

/** Texts submitted together are embedded in batches, each gets its own vector or its own error; the queue is bounded. */
public class TextBatcherTests extends ESTestCase {

    public void testConcurrentDocumentsAreBatchedAndABadOneFailsAlone() throws Exception {
        ModelRegistry registry = new ModelRegistry(List.of(ScimoeTestBundles.dir()),
                EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU).withThreads(2));
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            TextBatcher batcher = new TextBatcher(registry, () -> pool, documents(1000, 32));
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                texts.add("Measurements of the laminar boundary layer on a flat plate, run " + i + ".");
            }
            texts.set(7, "   ");
            AtomicReferenceArray<Object> results = new AtomicReferenceArray<>(texts.size());
            CountDownLatch done = new CountDownLatch(texts.size());
            for (int i = 0; i < texts.size(); i++) {
                int index = i;
                batcher.submit("minilm-l6-v2", EmbedInput.of(texts.get(i)), ActionListener.wrap(e -> {
                    results.set(index, e);
                    done.countDown();
                }, ex -> {
                    results.set(index, ex);
                    done.countDown();
                }));
            }
            assertTrue("all documents answered", done.await(60, TimeUnit.SECONDS));

            TextEmbedder encoder = registry.encoder("minilm-l6-v2");
            assertThat(((Exception) results.get(7)).getMessage(), containsString("text: is empty"));
            for (int i = 0; i < texts.size(); i++) {
                if (i == 7) {
                    continue;
                }
                Embedding batched = (Embedding) results.get(i);
                // fp32 is exact whatever the batch: the batched vector is the vector of the text alone.
                float[] alone = encoder.embedOne(texts.get(i), null, Role.DOCUMENT).vector();
                assertArrayEquals("document " + i, alone, batched.vector(), 1e-5f);
            }
            // 23 good documents went through the batcher; the loop above embedded each once more alone.
            long batchedTexts = encoder.stats().texts() - (texts.size() - 1);
            long batches = encoder.stats().batches() - (texts.size() - 1);
            assertThat(batchedTexts, equalTo((long) texts.size() - 1));
            assertThat(batches, lessThan(batchedTexts));
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            registry.close();
        }
    }

    /** A task queued on the pool during a long bulk load (a search's query) waits for one batch, not for the whole load. */
    public void testOtherTasksInterleaveWithBatches() throws Exception {
        ModelRegistry registry = new ModelRegistry(List.of(ScimoeTestBundles.dir()),
                EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU).withThreads(2));
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            registry.encoder("minilm-l6-v2"); // load first, so the first batch is not slowed by loading
            TextBatcher batcher = new TextBatcher(registry, () -> pool, documents(1000, 8));
            int docs = 64;
            java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
            CountDownLatch done = new CountDownLatch(docs);
            for (int i = 0; i < docs; i++) {
                batcher.submit("minilm-l6-v2", EmbedInput.of("Heat transfer in a multilayer slab, case " + i + "."),
                        ActionListener.wrap(e -> {
                            answered.incrementAndGet();
                            done.countDown();
                        }, e -> done.countDown()));
            }
            java.util.concurrent.Future<Integer> query = pool.submit(answered::get);
            int answeredBeforeQuery = query.get(60, TimeUnit.SECONDS);
            assertTrue(done.await(60, TimeUnit.SECONDS));
            assertThat(answered.get(), equalTo(docs));
            assertThat("the query ran after at most one batch", answeredBeforeQuery, lessThan(docs / 2));
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            registry.close();
        }
    }

    /** A full queue refuses at once with 429 naming the queue and the setting; what was queued is still embedded. */
    public void testFullQueueRejectsTheRestAndEmbedsWhatItAccepted() throws Exception {
        try (ModelRegistry registry = registry()) {
            ManualExecutor pool = new ManualExecutor();
            TextBatcher batcher = new TextBatcher(registry, () -> pool, documents(4, 32));
            List<Answer> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Answer a = new Answer();
                batcher.submit("minilm-l6-v2", EmbedInput.of("Creep of nickel alloys at high temperature, sample " + i + "."), a);
                answers.add(a);
            }
            // Nothing ran yet (the pool is held): 4 wait, 6 were answered at once with a rejection.
            assertThat(batcher.waiting(), equalTo(4));
            for (int i = 4; i < 10; i++) {
                EsRejectedExecutionException rejected = (EsRejectedExecutionException) answers.get(i).failure;
                assertThat(ExceptionsHelper.status(rejected), equalTo(RestStatus.TOO_MANY_REQUESTS));
                assertThat(rejected.getMessage(), containsString("queue [scimoe_inference] is full"));
                assertThat(rejected.getMessage(), containsString("[scimoe.inference.queue_size] = 4"));
            }
            pool.runAll();
            for (int i = 0; i < 4; i++) {
                assertNotNull("document " + i + " embedded", answers.get(i).embedding);
            }
            assertThat(batcher.waiting(), equalTo(0));
            assertThat(registry.encoder("minilm-l6-v2").stats().texts(), equalTo(4L));
            // The queue has room again.
            Answer later = new Answer();
            batcher.submit("minilm-l6-v2", EmbedInput.of("A later document."), later);
            pool.runAll();
            assertNotNull(later.embedding);
        }
    }

    /** An abandoned text (timeout, cancelled search) is answered with the reason, frees its place and is never embedded. */
    public void testAbandonedTextIsSkippedAndFreesItsPlace() throws Exception {
        try (ModelRegistry registry = registry()) {
            ManualExecutor pool = new ManualExecutor();
            TextBatcher batcher = new TextBatcher(registry, () -> pool, queries(2, 32));
            Answer a = new Answer(), b = new Answer(), c = new Answer(), d = new Answer();
            TextBatcher.Ticket ticketA = batcher.submit(null, EmbedInput.of("shock wave boundary layer interaction"), a);
            batcher.submit(null, EmbedInput.of("lens proteins of the eye"), b);
            batcher.submit(null, EmbedInput.of("dewey decimal classification"), c);
            assertThat(c.failure, instanceOf(EsRejectedExecutionException.class));
            assertThat(c.failure.getMessage(), containsString("query texts are waiting"));

            ticketA.abandon(new IllegalStateException("gave up"));
            assertThat(a.failure.getMessage(), equalTo("gave up"));
            assertThat(batcher.waiting(), equalTo(1));
            batcher.submit(null, EmbedInput.of("dewey decimal classification"), d);
            pool.runAll();
            assertNotNull(b.embedding);
            assertNotNull(d.embedding);
            assertNull("the abandoned text got no vector", a.embedding);
            assertThat("only the two live texts were embedded", registry.encoder(null).stats().texts(), equalTo(2L));
        }
    }

    /** Query texts waiting together go in one micro-batch, up to the batch size, each with its own (exact, fp32) vector. */
    public void testQueryTextsWaitingTogetherShareMicroBatches() throws Exception {
        try (ModelRegistry registry = registry()) {
            TextEmbedder encoder = registry.encoder("minilm-l6-v2");
            ManualExecutor pool = new ManualExecutor();
            TextBatcher batcher = new TextBatcher(registry, () -> pool, queries(100, 3));
            List<String> texts = QUERY_TEXTS;
            List<Answer> answers = submitAll(batcher, texts);
            long batchesBefore = encoder.stats().batches();
            pool.runAll();
            assertThat("8 texts in batches of at most 3", encoder.stats().batches() - batchesBefore, equalTo(3L));
            for (int i = 0; i < texts.size(); i++) {
                float[] alone = encoder.embedOne(texts.get(i), null, Role.QUERY).vector();
                assertArrayEquals(texts.get(i), alone, answers.get(i).embedding.vector(), 1e-5f);
            }
        }
    }

    /**
     * With two query threads a drainer takes its share of what waits and hands the rest to the other thread at once,
     * instead of one thread embedding every waiting text while the other sits idle (the tail of issue 10's searches).
     */
    public void testSeveralDrainersSplitWhatWaits() throws Exception {
        try (ModelRegistry registry = registry()) {
            TextEmbedder encoder = registry.encoder("minilm-l6-v2");
            ManualExecutor pool = new ManualExecutor();
            TextBatcher batcher = new TextBatcher(registry, () -> pool,
                    new TextBatcher.Config(Role.QUERY, "scimoe_query", "scimoe.query.queue_size", 100, 32, 2, 0));
            List<String> texts = QUERY_TEXTS;
            List<Answer> answers = submitAll(batcher, texts);
            assertThat("one drainer per thread was handed to the pool", pool.size(), equalTo(2));
            long before = encoder.stats().texts();
            pool.runOne();
            assertThat("the first drainer embedded half of the 8 waiting texts", encoder.stats().texts() - before, equalTo(4L));
            assertThat(batcher.waiting(), equalTo(4));
            pool.runOne();
            assertThat("the second drainer embedded half of the 4 left", encoder.stats().texts() - before, equalTo(6L));
            pool.runAll();
            assertThat(batcher.waiting(), equalTo(0));
            assertThat(encoder.stats().texts() - before, equalTo(8L));
            for (int i = 0; i < texts.size(); i++) {
                float[] alone = encoder.embedOne(texts.get(i), null, Role.QUERY).vector();
                assertArrayEquals(texts.get(i), alone, answers.get(i).embedding.vector(), 1e-5f);
            }
        }
    }

    /** Closing (node shutdown) fails queued texts, refuses new ones, and says whether a batch may still be running. */
    public void testCloseFailsQueuedTextsAndWaitsForTheRunningBatch() throws Exception {
        try (ModelRegistry registry = registry()) {
            ManualExecutor pool = new ManualExecutor();
            TextBatcher batcher = new TextBatcher(registry, () -> pool, documents(10, 32));
            Answer queued = new Answer(), late = new Answer();
            batcher.submit(null, EmbedInput.of("queued when the node stops"), queued);
            assertFalse("a drainer was handed to the pool and has not finished", batcher.close(0));
            assertThat(queued.failure.getMessage(), containsString("queue [scimoe_inference] is closed"));
            batcher.submit(null, EmbedInput.of("too late"), late);
            assertThat(late.failure, instanceOf(EsRejectedExecutionException.class));
            pool.runAll();
            assertTrue("nothing runs any more", batcher.close(0));
            assertTrue("no model was even loaded", registry.status().stream().noneMatch(m -> m.state() == ModelStatus.State.LOADED));
        }
    }

    private static final List<String> QUERY_TEXTS = List.of("heat transfer", "transonic flow over a wing", "enzyme kinetics",
            "library catalogues", "fetal lung maturity", "information retrieval evaluation", "supersonic inlet", "citation analysis");

    /** Submits each text as a query text of MiniLM; the answers in the texts' order. */
    private static List<Answer> submitAll(TextBatcher batcher, List<String> texts) {
        List<Answer> answers = new ArrayList<>();
        for (String t : texts) {
            Answer a = new Answer();
            batcher.submit("minilm-l6-v2", EmbedInput.of(t), a);
            answers.add(a);
        }
        return answers;
    }

    static TextBatcher.Config documents(int capacity, int maxBatch) {
        return new TextBatcher.Config(Role.DOCUMENT, "scimoe_inference", "scimoe.inference.queue_size", capacity, maxBatch, 1, 0);
    }

    static TextBatcher.Config queries(int capacity, int maxBatch) {
        return new TextBatcher.Config(Role.QUERY, "scimoe_query", "scimoe.query.queue_size", capacity, maxBatch, 1, 0);
    }

    static ModelRegistry registry() {
        return new ModelRegistry(List.of(ScimoeTestBundles.dir()), EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU).withThreads(2));
    }

    /** A pool that runs its tasks only when the test says so, on the test's thread: what waits is then known exactly. */
    static final class ManualExecutor implements java.util.concurrent.Executor {
        private final java.util.Queue<Runnable> tasks = new java.util.concurrent.ConcurrentLinkedQueue<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        int size() {
            return tasks.size();
        }

        void runOne() {
            tasks.remove().run();
        }

        void runAll() {
            Runnable r;
            while ((r = tasks.poll()) != null) {
                r.run();
            }
        }
    }

    /** One text's answer. */
    static final class Answer implements ActionListener<Embedding> {
        volatile Embedding embedding;
        volatile Exception failure;

        @Override
        public void onResponse(Embedding e) {
            embedding = e;
        }

        @Override
        public void onFailure(Exception e) {
            failure = e;
        }
    }
}

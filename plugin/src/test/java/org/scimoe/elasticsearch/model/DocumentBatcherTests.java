package org.scimoe.elasticsearch.model;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.test.ESTestCase;
import org.scimoe.elasticsearch.ScimoeTestBundles;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;
import org.scimoe.runtime.DeviceRequest;

/** Documents submitted together are embedded in batches, each gets its own vector or its own error. */
public class DocumentBatcherTests extends ESTestCase {

    public void testConcurrentDocumentsAreBatchedAndABadOneFailsAlone() throws Exception {
        ModelRegistry registry = new ModelRegistry(List.of(ScimoeTestBundles.dir()),
                EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU).withThreads(2));
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            DocumentBatcher batcher = new DocumentBatcher(registry, () -> pool, 32, 1);
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
            DocumentBatcher batcher = new DocumentBatcher(registry, () -> pool, 8, 1);
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
}

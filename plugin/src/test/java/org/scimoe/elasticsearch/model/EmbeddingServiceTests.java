package org.scimoe.elasticsearch.model;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.elasticsearch.ElasticsearchTimeoutException;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.support.PlainActionFuture;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.tasks.CancellableTask;
import org.elasticsearch.tasks.TaskCancelHelper;
import org.elasticsearch.tasks.TaskCancelledException;
import org.elasticsearch.tasks.TaskId;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.threadpool.TestThreadPool;
import org.elasticsearch.threadpool.ThreadPool;
import org.scimoe.elasticsearch.ScimoeSettings;
import org.scimoe.elasticsearch.ScimoeTestBundles;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.Role;

/** Query texts: cache hits on the calling thread, a timeout, cancellation; with the plugin's real pools and model. */
public class EmbeddingServiceTests extends ESTestCase {
    private ThreadPool threadPool;
    private EmbeddingService service;

    private void start(Settings extra) {
        Settings settings = Settings.builder().put("node.name", "test").put(ScimoeSettings.DEVICE.getKey(), "cpu")
                .put(ScimoeSettings.THREADS.getKey(), 2)
                .put(ScimoeSettings.QUERY_POOL_SIZE.getKey(), 1) // one query thread, so a blocked pool makes a text wait
                .put(extra).build();
        threadPool = new TestThreadPool("scimoe-test", InferencePool.builders(settings).toArray(new org.elasticsearch.threadpool.ExecutorBuilder<?>[0]));
        service = new EmbeddingService(new ModelRegistry(List.of(ScimoeTestBundles.dir()), ScimoeSettings.encoderOptions(settings)), settings);
        service.bind(threadPool);
        service.registry().encoder(null); // loaded before the tests hold the pool
    }

    @Override
    public void tearDown() throws Exception {
        if (service != null) {
            service.close();
        }
        if (threadPool != null) {
            terminate(threadPool);
        }
        super.tearDown();
    }

    /** Holds the query pool's only thread until released, so that a query text must wait in the queue. */
    private CountDownLatch blockQueryPool() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        threadPool.executor(InferencePool.QUERY_NAME).execute(() -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(running.await(30, TimeUnit.SECONDS));
        return release;
    }

    public void testCacheHitIsAnsweredOnTheCallingThreadWhileTheQueryPoolIsBusy() throws Exception {
        start(Settings.EMPTY);
        List<EmbedInput> query = List.of(EmbedInput.of("boundary layer transition"));
        PlainActionFuture<List<Embedding>> first = new PlainActionFuture<>();
        service.embed(null, query, Role.QUERY, null, first);
        float[] vector = first.get(60, TimeUnit.SECONDS).get(0).vector();

        CountDownLatch release = blockQueryPool();
        try {
            PlainActionFuture<List<Embedding>> again = new PlainActionFuture<>();
            service.embed(null, query, Role.QUERY, null, again);
            assertTrue("answered before embed() returned, with the pool's only thread busy", again.isDone());
            assertArrayEquals(vector, again.get().get(0).vector(), 0f);
            assertThat(service.queryCache().hits(), equalTo(1L));
        } finally {
            release.countDown();
        }
    }

    public void testQueryEmbeddingTimesOutNamingTheSettingAndIsNotEmbeddedLater() throws Exception {
        start(Settings.builder().put(ScimoeSettings.QUERY_TIMEOUT.getKey(), "50ms").build());
        CountDownLatch release = blockQueryPool();
        PlainActionFuture<List<Embedding>> late = new PlainActionFuture<>();
        try {
            service.embed(null, List.of(EmbedInput.of("a query nobody waits for")), Role.QUERY, null, late);
            Exception e = expectThrows(Exception.class, () -> late.actionGet(60, TimeUnit.SECONDS));
            ElasticsearchTimeoutException timeout = (ElasticsearchTimeoutException) ExceptionsHelper.unwrap(e, ElasticsearchTimeoutException.class);
            assertNotNull("a timeout, not " + e, timeout);
            assertThat(timeout.getMessage(), containsString("[scimoe.query.timeout] = 50ms"));
            assertThat(timeout.status(), equalTo(RestStatus.TOO_MANY_REQUESTS));
        } finally {
            release.countDown();
        }
        assertNoQueryEmbedded();
    }

    public void testCancelledTaskDropsItsQueuedQueryText() throws Exception {
        start(Settings.EMPTY);
        CancellableTask task = new CancellableTask(1, "transport", "cluster:monitor/scimoe/embed", "test", TaskId.EMPTY_TASK_ID, Map.of());
        CountDownLatch release = blockQueryPool();
        PlainActionFuture<List<Embedding>> answer = new PlainActionFuture<>();
        try {
            service.embed(null, List.of(EmbedInput.of("a search that was cancelled")), Role.QUERY, task, answer);
            assertFalse(answer.isDone());
            TaskCancelHelper.cancel(task, "the search was cancelled");
            Exception e = expectThrows(Exception.class, () -> answer.actionGet(60, TimeUnit.SECONDS));
            assertThat(ExceptionsHelper.unwrap(e, TaskCancelledException.class), instanceOf(TaskCancelledException.class));
        } finally {
            release.countDown();
        }
        assertNoQueryEmbedded();
    }

    /** Once the query pool has run everything queued before now (one thread, in order), the model has embedded nothing. */
    private void assertNoQueryEmbedded() throws Exception {
        PlainActionFuture<Void> drained = new PlainActionFuture<>();
        threadPool.executor(InferencePool.QUERY_NAME).execute(() -> drained.onResponse(null));
        drained.get(60, TimeUnit.SECONDS);
        assertThat(service.registry().encoder(null).stats().texts(), equalTo(0L));
    }
}

package org.scimoe.elasticsearch.model;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.elasticsearch.test.ESTestCase;
import org.scimoe.bundle.BundleCatalog;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.elasticsearch.ScimoeTestBundles;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.EncoderStats;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;
import org.scimoe.runtime.Device;
import org.scimoe.runtime.DeviceRequest;

/**
 * Reference counting of a loaded version, with the real int8 MiniLM: retiring a version while an
 * inference runs on it leaves its session open until that inference ends, then closes it; a caller
 * that only starts after that is served by the current version. Latches order the steps, no sleeps.
 */
public class ModelVersionTests extends ESTestCase {
    private static final EncoderOptions CPU = EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU).withThreads(1);

    /** The real encoder, held inside {@link #embed} until released, remembering whether it was closed. */
    private static final class Gated implements TextEmbedder {
        final TextEmbedder inner;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean closed = new AtomicBoolean();

        Gated(TextEmbedder inner) {
            this.inner = inner;
        }

        @Override
        public List<Embedding> embed(List<EmbedInput> inputs, Role role) {
            entered.countDown();
            try {
                assertTrue(release.await(60, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertFalse("embedding on a closed session", closed.get());
            return inner.embed(inputs, role);
        }

        @Override
        public void close() {
            closed.set(true);
            inner.close();
        }

        @Override
        public BundleManifest manifest() {
            return inner.manifest();
        }

        @Override
        public Device device() {
            return inner.device();
        }

        @Override
        public void check(EmbedInput input) {
            inner.check(input);
        }

        @Override
        public EncoderStats stats() {
            return inner.stats();
        }
    }

    public void testRetiredVersionClosesWhenItsLastInferenceEnds() throws Exception {
        BundleCatalog catalog = BundleCatalog.scan(List.of(ScimoeTestBundles.dir()));
        Gated old = new Gated(OnnxEncoder.load(catalog.get("minilm-l6-v2-q"), CPU));
        try (TextEmbedder current = OnnxEncoder.load(catalog.get("minilm-l6-v2"), CPU)) {
            ModelVersion version = new ModelVersion(old, () -> current);
            AtomicReference<Object> result = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    result.set(version.embed(List.of(EmbedInput.of("fetal plasma glucose")), Role.DOCUMENT));
                } catch (Throwable t) {
                    result.set(t);
                }
            });
            caller.start();
            assertTrue(old.entered.await(60, TimeUnit.SECONDS));
            assertEquals(1, version.running());

            version.retire(); // a reload swapped in another version
            assertFalse("closed under a running inference", old.closed.get());
            assertFalse(version.closed());

            old.release.countDown();
            caller.join(TimeUnit.SECONDS.toMillis(60));
            assertTrue("the running inference ended on the old session: " + result.get(), result.get() instanceof List<?>);
            assertTrue("closed once its last inference ended", old.closed.get());
            assertTrue(version.closed());

            // A caller holding the retired version is served by the current one.
            float[] late = version.embed(List.of(EmbedInput.of("fetal plasma glucose")), Role.DOCUMENT).get(0).vector();
            assertArrayEquals(current.embedOne("fetal plasma glucose", null, Role.DOCUMENT).vector(), late, 0f);
        }
    }

    public void testCloseByACallerDoesNotEndTheSharedSession() {
        BundleCatalog catalog = BundleCatalog.scan(List.of(ScimoeTestBundles.dir()));
        Gated inner = new Gated(OnnxEncoder.load(catalog.get("minilm-l6-v2-q"), CPU));
        inner.release.countDown();
        ModelVersion version = new ModelVersion(inner, () -> {
            throw new AssertionError("the version is current");
        });
        version.close();
        assertFalse(inner.closed.get());
        assertEquals(384, version.embed(List.of(EmbedInput.of("lens proteins")), Role.DOCUMENT).get(0).vector().length);
        version.retire();
        assertTrue(inner.closed.get());
    }
}

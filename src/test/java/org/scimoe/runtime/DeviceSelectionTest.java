package org.scimoe.runtime;

import static org.junit.jupiter.api.Assertions.*;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.scimoe.ScimoeException;
import org.scimoe.TestBundles;

/** Device rules on a machine without a GPU: the real CPU build, and a CUDA build whose provider fails. */
class DeviceSelectionTest {
    private final Path model = TestBundles.bundle(TestBundles.INT8).modelPath();

    @Test
    void parsesDeviceNames() {
        assertEquals(DeviceRequest.CPU, DeviceRequest.parse("CPU"));
        assertEquals(new DeviceRequest(DeviceRequest.Kind.CUDA, 1), DeviceRequest.parse("cuda:1"));
        assertEquals(new DeviceRequest(DeviceRequest.Kind.CUDA, 0), DeviceRequest.parse("cuda"));
        assertEquals(DeviceRequest.AUTO, DeviceRequest.parse("auto"));
        assertTrue(assertThrows(ScimoeException.class, () -> DeviceRequest.parse("tpu")).getMessage().contains("not 'tpu'"));
        assertThrows(ScimoeException.class, () -> DeviceRequest.parse("cuda:-1"));
    }

    @Test
    void cpuBuildAutoFallsBackToCpuAndSaysWhy() throws OrtException {
        SessionFactory.OpenSession open = new SessionFactory(1).open(model, DeviceRequest.AUTO);
        try (OrtSession s = open.session()) {
            assertEquals("cpu", open.device().name());
            assertTrue(open.device().reason().contains("no CUDA provider"), open.device().reason());
        }
    }

    @Test
    void cpuBuildRefusesCudaWithAClearMessage() {
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
                () -> new SessionFactory(1).open(model, DeviceRequest.parse("cuda:0")));
        assertTrue(e.getMessage().contains("device cuda:0 requested but this ONNX Runtime build has no CUDA provider"), e.getMessage());
    }

    /** The GPU jar is present but CUDA is not installed: addCUDA throws, as it does on such machines. */
    private static final CudaSupport BROKEN_CUDA = new CudaSupport() {
        @Override
        public boolean providerCompiledIn() {
            return true;
        }

        @Override
        public void enable(OrtSession.SessionOptions options, int device) throws OrtException {
            throw new OrtException("libcudart.so.12: cannot open shared object file");
        }
    };

    @Test
    void gpuBuildWithoutCudaFallsBackOnAutoAndFailsOnCuda() throws OrtException {
        SessionFactory factory = new SessionFactory(BROKEN_CUDA, 1);
        SessionFactory.OpenSession open = factory.open(model, DeviceRequest.AUTO);
        try (OrtSession s = open.session()) {
            assertEquals("cpu", open.device().name());
            assertTrue(open.device().reason().contains("libcudart.so.12"), open.device().reason());
        }
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class, () -> factory.open(model, DeviceRequest.parse("cuda")));
        assertTrue(e.getMessage().contains("CUDA provider could not start on device 0") && e.getMessage().contains("libcudart"), e.getMessage());
    }

    @Test
    void aDeviceChoiceIsLoggedOncePerModel() {
        String model = "/models/a-" + System.nanoTime() + "/model.onnx";
        assertTrue(DeviceLog.first(model, "cpu: no CUDA provider"));
        assertFalse(DeviceLog.first(model, "cpu: no CUDA provider"), "the second step with the same model stays quiet");
        assertTrue(DeviceLog.first(model + "-other", "cpu: no CUDA provider"), "another model is logged");
        assertTrue(DeviceLog.first(model, "cuda:0"), "a different choice for the model is logged");
    }
}

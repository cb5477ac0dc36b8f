package org.scimoe.training.model;

import org.scimoe.embed.EncoderOptions;
import org.scimoe.runtime.DeviceRequest;

/**
 * Test settings for DJL's PyTorch engine, applied before the engine first loads: no downloads, one
 * thread (the build machine is shared), and the engine's options for the reference runs.
 */
public final class Djl {
    static {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    /** The ONNX Runtime engine on one CPU thread. */
    public static final EncoderOptions ENGINE = EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU).withThreads(1);

    private Djl() {}

    /** Call first in a test class's setup, so the properties above are set before DJL reads them. */
    public static void init() {
        // the static initializer does the work
    }

    public static double maxDiff(float[][] a, float[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < a[i].length; k++) {
                max = Math.max(max, Math.abs(a[i][k] - b[i][k]));
            }
        }
        return max;
    }
}

package org.scimoe.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;

/**
 * The two questions device selection asks ONNX Runtime about CUDA. An interface so that the
 * selection rules can be tested on machines without a GPU (all of ours).
 */
public interface CudaSupport {
    /** Whether this ONNX Runtime build has the CUDA execution provider (only {@code onnxruntime_gpu} does). */
    boolean providerCompiledIn();

    /** Adds the CUDA provider; throws when CUDA or cuDNN cannot be loaded or the device does not exist. */
    void enable(OrtSession.SessionOptions options, int device) throws OrtException;

    /** What the linked ONNX Runtime says. */
    CudaSupport ONNX_RUNTIME = new CudaSupport() {
        @Override
        public boolean providerCompiledIn() {
            return OrtRuntime.environment().getAvailableProviders().contains(OrtProvider.CUDA);
        }

        @Override
        public void enable(OrtSession.SessionOptions options, int device) throws OrtException {
            options.addCUDA(device);
        }
    };
}

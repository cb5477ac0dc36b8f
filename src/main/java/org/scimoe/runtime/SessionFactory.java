package org.scimoe.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import org.scimoe.bundle.BundleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens ONNX Runtime sessions on the requested device. ONNX Runtime does not fall back from CUDA
 * by itself ({@code addCUDA} throws when CUDA is missing), so the rules live here:
 * <ul>
 *   <li>{@code cpu}: the CPU provider.</li>
 *   <li>{@code cuda[:N]}: CUDA or a {@link DeviceUnavailableException} that says what is missing.</li>
 *   <li>{@code auto}: CUDA when the provider is compiled in and the session opens on it; otherwise
 *       the CPU, with one log line that gives the reason.</li>
 * </ul>
 */
public final class SessionFactory {
    private static final Logger LOG = LoggerFactory.getLogger(SessionFactory.class);

    /** An open session and the device it runs on. */
    public record OpenSession(OrtSession session, Device device) {}

    private final CudaSupport cuda;
    private final int intraOpThreads;
    private final boolean spinning;

    /**
     * @param intraOpThreads threads per inference; 0 lets ONNX Runtime use every core
     * @param spinning       whether idle intra-op threads spin-wait (ONNX Runtime's default) or sleep
     */
    public SessionFactory(CudaSupport cuda, int intraOpThreads, boolean spinning) {
        this.cuda = cuda;
        this.intraOpThreads = intraOpThreads;
        this.spinning = spinning;
    }

    public SessionFactory(CudaSupport cuda, int intraOpThreads) {
        this(cuda, intraOpThreads, true);
    }

    public SessionFactory(int intraOpThreads, boolean spinning) {
        this(CudaSupport.ONNX_RUNTIME, intraOpThreads, spinning);
    }

    public SessionFactory(int intraOpThreads) {
        this(intraOpThreads, true);
    }

    public OpenSession open(Path model, DeviceRequest request) {
        if (request.kind() == DeviceRequest.Kind.CPU) {
            return new OpenSession(create(model, false, 0), new Device("cpu", "requested"));
        }
        String why;
        if (!cuda.providerCompiledIn()) {
            why = "this ONNX Runtime build has no CUDA provider (the default dependency is the CPU build; "
                    + "build with -Pgpu for com.microsoft.onnxruntime:onnxruntime_gpu)";
        } else {
            try {
                OpenSession open = new OpenSession(create(model, true, request.cudaDevice()), new Device("cuda:" + request.cudaDevice(), "requested " + request));
                if (DeviceLog.first(model.toAbsolutePath().toString(), open.device().name())) {
                    LOG.info("device {}: using {} for {}", request, open.device().name(), model.getFileName());
                }
                return open;
            } catch (DeviceUnavailableException e) {
                why = e.getMessage();
                if (request.kind() == DeviceRequest.Kind.CUDA) {
                    throw e;
                }
            }
        }
        if (request.kind() == DeviceRequest.Kind.CUDA) {
            throw new DeviceUnavailableException("device " + request + " requested but " + why, null);
        }
        if (DeviceLog.first(model.toAbsolutePath().toString(), "cpu: " + why)) {
            LOG.info("device auto: using the CPU for {} because {}", model.getFileName(), why);
        }
        return new OpenSession(create(model, false, 0), new Device("cpu", "auto: " + why));
    }

    private OrtSession create(Path model, boolean onCuda, int device) {
        OrtEnvironment env = OrtRuntime.environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            if (!spinning) { // the session option ONNX Runtime documents for this ("session.intra_op.allow_spinning")
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            if (onCuda) {
                try {
                    cuda.enable(options, device);
                } catch (OrtException | RuntimeException | LinkageError e) {
                    throw new DeviceUnavailableException("the CUDA provider could not start on device " + device
                            + " (CUDA 12 and cuDNN 9 must be installed and the device must exist): " + e.getMessage(), e);
                }
            }
            return env.createSession(model.toString(), options);
        } catch (OrtException e) {
            if (onCuda) {
                throw new DeviceUnavailableException("the model did not open on CUDA device " + device + ": " + e.getMessage(), e);
            }
            throw new BundleException("ONNX Runtime cannot load " + model + ": " + e.getMessage(), e);
        }
    }
}

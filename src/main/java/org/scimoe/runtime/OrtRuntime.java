package org.scimoe.runtime;

import ai.onnxruntime.OrtEnvironment;
import org.scimoe.ScimoeException;

/**
 * The process-wide ONNX Runtime environment. Loading the runtime's native library throws
 * {@link Error}s (UnsatisfiedLinkError, ExceptionInInitializerError, and in a sandbox the
 * sandbox's own errors); an Error that escapes on a server's control thread can kill the server,
 * so every failure here becomes a {@link ScimoeException} that names the cause, and the first
 * failure is remembered so later calls fail the same clear way instead of with NoClassDefFoundError.
 */
public final class OrtRuntime {
    private static OrtEnvironment environment;
    private static ScimoeException failure;

    private OrtRuntime() {}

    public static synchronized OrtEnvironment environment() {
        if (environment != null) {
            return environment;
        }
        if (failure != null) {
            throw failure;
        }
        try {
            environment = OrtEnvironment.getEnvironment();
            return environment;
        } catch (Throwable t) { // native loading reports through Errors; none may escape
            failure = new ScimoeException("ONNX Runtime could not start on this machine (" + t.getClass().getSimpleName()
                    + ": " + t.getMessage() + "). Check that java.io.tmpdir is writable and executable, "
                    + "and that the platform is supported.", t);
            throw failure;
        }
    }
}

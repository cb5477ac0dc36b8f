package org.scimoe.bundle;

import org.scimoe.ScimoeException;

/** A model bundle is missing, malformed, or does not match its ONNX graph. */
public class BundleException extends ScimoeException {
    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}

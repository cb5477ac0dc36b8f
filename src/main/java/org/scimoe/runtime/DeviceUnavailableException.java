package org.scimoe.runtime;

import org.scimoe.ScimoeException;

/** The user asked for a device (CUDA) that this machine or this ONNX Runtime build cannot give. */
public class DeviceUnavailableException extends ScimoeException {
    public DeviceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.scimoe;

/** Base of every error the engine reports: its message is meant for the user, naming what failed and why. */
public class ScimoeException extends RuntimeException {
    public ScimoeException(String message) {
        super(message);
    }

    public ScimoeException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.scimoe.io;

import org.scimoe.ScimoeException;

/** An input file is missing or one of its lines is malformed; the message names the file and line. */
public class InputException extends ScimoeException {
    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}

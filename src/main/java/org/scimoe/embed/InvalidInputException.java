package org.scimoe.embed;

import org.scimoe.ScimoeException;

/** One input cannot be embedded (empty text, unknown domain, ...); the message names the field. */
public class InvalidInputException extends ScimoeException {
    private final String field;
    private final String problem;

    public InvalidInputException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** The same problem, said of the i-th input of a call. */
    public InvalidInputException atInput(int index) {
        return new InvalidInputException(field, problem + " (input " + index + ")");
    }

    public String problem() {
        return problem;
    }

    /** The input field at fault: {@code text} or {@code domain}. */
    public String field() {
        return field;
    }
}

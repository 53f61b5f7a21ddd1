package dev.mik.run;

/** A handler exited cleanly but its stdout is not a CGI response. */
public class InvalidHandlerOutputException extends RuntimeException {
    public InvalidHandlerOutputException(String message) {
        super(message, null, false, false);
    }
}

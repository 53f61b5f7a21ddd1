package dev.mik.wasm;

/** The guest wrote more to standard output than the host accepts as a response. */
public final class OutputLimitException extends HandlerFailureException {
    public OutputLimitException(long limit) {
        super("the handler wrote more than " + limit + " bytes", new byte[0]);
    }
}

package dev.mik.wasm;

/** A guest did not finish with exit status 0; each subclass names one way it can fail. */
public abstract sealed class HandlerFailureException extends RuntimeException
        permits HandlerTrapException, HandlerExitException, MemoryLimitException, OutputLimitException {

    private final byte[] stderr;

    protected HandlerFailureException(String message, byte[] stderr) {
        super(message, null, false, false);
        this.stderr = stderr;
    }

    /** What the guest wrote to standard error before it failed (capped). */
    public byte[] stderr() {
        return stderr;
    }
}

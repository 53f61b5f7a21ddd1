package dev.mik.wasm;

/** The guest called {@code proc_exit} with a non-zero status. */
public final class HandlerExitException extends HandlerFailureException {
    private final int exitCode;

    public HandlerExitException(int exitCode, byte[] stderr) {
        super("the handler exited with status " + exitCode, stderr);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}

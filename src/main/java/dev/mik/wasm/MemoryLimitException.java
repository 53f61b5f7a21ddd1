package dev.mik.wasm;

/** The guest needed more linear memory than the host allows it. */
public final class MemoryLimitException extends HandlerFailureException {
    public MemoryLimitException(String message, byte[] stderr) {
        super(message, stderr);
    }
}

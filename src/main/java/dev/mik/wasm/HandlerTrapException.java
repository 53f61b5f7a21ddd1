package dev.mik.wasm;

/** The guest trapped: unreachable, an out-of-bounds access, a stack overflow, a division by zero… */
public final class HandlerTrapException extends HandlerFailureException {
    public HandlerTrapException(String message, byte[] stderr) {
        super(message, stderr);
    }
}

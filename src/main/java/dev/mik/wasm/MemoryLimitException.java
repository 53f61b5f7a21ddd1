package dev.mik.wasm;

/** The guest needed more memory than the host allows it, or than the server had free for it. */
public final class MemoryLimitException extends HandlerFailureException {

    private final boolean serverShort;

    /** @param serverShort the server's pool or heap could not give the memory (not the handler's own cap) */
    public MemoryLimitException(String message, byte[] stderr, boolean serverShort) {
        super(message, stderr);
        this.serverShort = serverShort;
    }

    /** True when the memory pool or the heap ran short under load, so the handler itself is not at fault. */
    public boolean serverShort() {
        return serverShort;
    }
}

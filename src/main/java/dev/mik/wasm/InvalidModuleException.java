package dev.mik.wasm;

/** The bytes on disk are not a runnable WASI command module. */
public class InvalidModuleException extends RuntimeException {
    public InvalidModuleException(String message) {
        super(message);
    }
}

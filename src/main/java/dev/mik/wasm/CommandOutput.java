package dev.mik.wasm;

/**
 * What a guest run as a WASI command wrote, when it exited with status 0: its standard output and (capped) standard
 * error. Reading it as a WAGI response is the {@code run} package's ({@code run/CgiResponseParser}).
 */
public record CommandOutput(byte[] stdout, byte[] stderr) {
}

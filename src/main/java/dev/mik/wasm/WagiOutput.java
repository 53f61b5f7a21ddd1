package dev.mik.wasm;

/** What a guest that exited with status 0 wrote: its standard output and (capped) standard error. */
public record WagiOutput(byte[] stdout, byte[] stderr) {
}

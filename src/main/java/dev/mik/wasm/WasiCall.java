package dev.mik.wasm;

import com.dylibso.chicory.runtime.Instance;

/** One WASI function as a call on a run: {@code args} and the result as a host function has them. */
@FunctionalInterface
interface WasiCall {

    long[] call(WasiRun run, Instance instance, long[] args);
}

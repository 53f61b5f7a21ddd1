package dev.mik.wasm;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiPreview1;

/** One WASI function as a call on a run's context: {@code args} and the result as a host function has them. */
@FunctionalInterface
interface WasiCall {

    long[] call(WasiPreview1 wasi, Instance instance, long[] args);
}

package dev.mik.wasm;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;

import java.util.function.Function;

/**
 * A parsed and compiled WebAssembly module, shared by every request that runs it.
 *
 * @param sha256         hex content hash; two files with the same bytes share one compilation
 * @param module         Chicory's parsed module
 * @param machineFactory the compiled code, reusable across instances
 * @param hasStartSection whether instantiation itself runs guest code (then it is never done off the request path)
 * @param footprint      the memories and tables each instance holds before it runs
 */
public record CompiledModule(String sha256, WasmModule module, Function<Instance, Machine> machineFactory,
                             boolean hasStartSection, InstanceFootprint footprint) {
}

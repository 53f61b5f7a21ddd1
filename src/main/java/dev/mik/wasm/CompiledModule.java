package dev.mik.wasm;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;

import java.util.function.Function;

/**
 * A parsed, checked WebAssembly module, shared by every request that runs it: either compiled to JVM bytecode or,
 * until its compilation is done, run by Chicory's interpreter.
 *
 * @param sha256          hex content hash; two files with the same bytes share one compilation
 * @param module          Chicory's parsed module
 * @param compiledCode    the compiled code, reusable across instances; null while the module is interpreted
 * @param hasStartSection whether instantiation itself runs guest code (then it is never done off the request path)
 * @param footprint       the memories and tables each instance holds before it runs
 * @param imports         the host functions its instances import, looked up once rather than on every instance
 */
public record CompiledModule(String sha256, WasmModule module, Function<Instance, Machine> compiledCode,
                             boolean hasStartSection, InstanceFootprint footprint, ImportValues imports) {

    /** Whether instances run compiled code rather than the interpreter. */
    public boolean compiled() {
        return compiledCode != null;
    }

    /** What runs an instance's functions: the compiled code, or the interpreter. */
    public Function<Instance, Machine> machineFactory() {
        return compiledCode != null ? compiledCode : InterpreterMachine::new;
    }

    /** This module with its compiled code. */
    CompiledModule withCode(Function<Instance, Machine> code) {
        return new CompiledModule(sha256, module, code, hasStartSection, footprint, imports);
    }
}

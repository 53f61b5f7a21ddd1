package dev.mik.wasm;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.TableLimits;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns the bytes of a {@code .wasm} file into a {@link CompiledModule}: {@link #parse} reads and checks it (fast:
 * milliseconds), {@link #compile(CompiledModule)} compiles it to JVM bytecode (slow: up to seconds for a large module),
 * so a module can run on the interpreter while its compilation is still under way.
 */
public final class ModuleCompiler {

    private ModuleCompiler() {
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }

    private static boolean exportsStart(WasmModule module) {
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            if (Instance.START_FUNCTION_NAME.equals(exports.getExport(i).name())) {
                return true;
            }
        }
        return false;
    }

    /**
     * A table that can grow is refused: Chicory records a grown table's size in the parsed module, which every later
     * instance shares, so one request could make all later instances larger (outside the memory cap) and let them
     * see how far it grew. clang and rustc emit fixed tables (maximum equal to minimum).
     */
    private static void refuseGrowableTables(WasmModule module) {
        var tables = module.tableSection();
        for (int i = 0; i < tables.tableCount(); i++) {
            TableLimits limits = tables.getTable(i).limits();
            if (limits.max() != limits.min()) {
                throw new InvalidModuleException("table " + i + " can grow (minimum " + limits.min() + ", maximum "
                        + (limits.max() == TableLimits.LIMIT_MAX ? "none" : limits.max())
                        + "); mik runs modules whose tables have a fixed size");
            }
        }
    }

    /**
     * Struct and array types (the GC proposal) are refused: {@code array.new} allocates Java heap outside every
     * linear memory, so no cap or pool reservation would bound it. WASI command modules from C or Rust declare none.
     */
    private static void refuseGcTypes(WasmModule module) {
        var types = module.typeSection();
        for (int i = 0; i < types.subTypeCount(); i++) {
            var type = types.getSubType(i).compType();
            if (type.funcType() == null) {
                throw new InvalidModuleException("type " + i + " is a "
                        + (type.arrayType() != null ? "array" : "struct")
                        + " type; mik runs modules without garbage-collected types, whose allocations no memory cap"
                        + " bounds");
            }
        }
    }

    /** Parses, checks and compiles {@code bytes} at once. */
    public static CompiledModule compile(byte[] bytes) {
        return compile(parse(sha256(bytes), bytes));
    }

    /**
     * The module in {@code bytes}, parsed and checked but not compiled: it runs on the interpreter.
     *
     * @throws InvalidModuleException when it is not a module mik can run
     */
    public static CompiledModule parse(String sha256, byte[] bytes) {
        try {
            WasmModule module = Parser.parse(bytes);
            if (!exportsStart(module)) {
                throw new InvalidModuleException("the module exports no _start function: it is not a WASI command");
            }
            refuseGrowableTables(module);
            refuseGcTypes(module);
            return new CompiledModule(sha256, module, null, module.startSection().isPresent(),
                    InstanceFootprint.of(module), PreparedInstance.importsOf(module));
        } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new InvalidModuleException("the file is not a valid WebAssembly module: " + e.getMessage());
        }
    }

    /**
     * {@code parsed} compiled to JVM bytecode.
     *
     * @throws InvalidModuleException when the compiler refuses it
     */
    public static CompiledModule compile(CompiledModule parsed) {
        return compile(parsed, null);
    }

    /**
     * {@code parsed} compiled to JVM bytecode, or its classes loaded from {@code cache} when an earlier compilation
     * stored them there.
     *
     * @param cache null compiles without one
     * @throws InvalidModuleException when the compiler refuses it
     */
    public static CompiledModule compile(CompiledModule parsed, CodeCache cache) {
        if (parsed.compiled()) {
            return parsed;
        }
        try {
            MachineFactoryCompiler.Builder compiler = MachineFactoryCompiler.builder(parsed.module());
            if (cache != null) {
                compiler.withCache(cache);
            }
            return parsed.withCode(compiler.compile());
        } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new InvalidModuleException("the module could not be compiled: " + e.getMessage());
        }
    }
}

package dev.mik.run;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import dev.mik.config.MikConfig;
import dev.mik.observability.LogText;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.wasm.CommandInput;
import dev.mik.wasm.CommandOutput;
import dev.mik.wasm.CompiledModule;
import dev.mik.wasm.HandlerFailureException;
import dev.mik.wasm.MemoryLimitException;
import dev.mik.wasm.PreparedInstance;
import dev.mik.watch.Watchdog;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Tries a module version once, when it is loaded: makes one instance (which links its imports, places its data and
 * runs its start function, if any) and, when it exports {@code _routes}, runs that and reads the routes it prints.
 * All of it under the handler limits: the memory cap, {@code mik.handler.timeout-ms}, and at most
 * {@value #ROUTES_OUTPUT_MAX_BYTES} bytes of routes. A module that fails here is {@code module-invalid} before any
 * request runs it, and its file version is remembered as such by {@link ModuleCatalog}.
 */
final class ModuleProbe {

    private static final Logger LOG = Logger.getLogger(ModuleProbe.class.getName());

    /** Most bytes {@code _routes} may print. */
    static final long ROUTES_OUTPUT_MAX_BYTES = 64 * 1024;

    private final HandlerMemory memory;
    private final Watchdog<RunDeadline> deadlines;
    private final LongSupplier timeoutMs;
    private final LongSupplier memoryMaxBytes;

    /**
     * @param deadlines      interrupts a probe that overstays, as it does a handler run
     * @param timeoutMs      {@code mik.handler.timeout-ms}
     * @param memoryMaxBytes {@code mik.handler.memory-max-bytes}
     */
    ModuleProbe(HandlerMemory memory, Watchdog<RunDeadline> deadlines, LongSupplier timeoutMs,
                LongSupplier memoryMaxBytes) {
        this.memory = memory;
        this.deadlines = deadlines;
        this.timeoutMs = timeoutMs;
        this.memoryMaxBytes = memoryMaxBytes;
    }

    /**
     * The routes of {@code module}, once an instance of it could be made; runs on the calling thread, like a request.
     *
     * @throws ProblemException {@link ProblemType#MODULE_INVALID} when no instance can be made, {@code _routes}
     *                          fails or prints no valid route table, or this takes longer than the handler timeout
     *                          (and, with {@code reason: memory}, when an instance would not fit the memory cap);
     *                          {@link ProblemType#OVERLOADED} when the memory pool has no room now
     */
    WagiRoutes probe(ModuleName name, CompiledModule module) {
        long limitMs = timeoutMs.getAsLong();
        long memoryMax = memoryMaxBytes.getAsLong();
        long bytes;
        try {
            bytes = PreparedInstance.initialBytes(module, memoryMax);
        } catch (MemoryLimitException tooLarge) {
            throw ModuleCatalog.tooLarge(name, tooLarge);
        }
        RunDeadline.Outcome<WagiRoutes> outcome = RunDeadline.run(deadlines, limitMs,
                () -> probeNow(name, module, bytes, memoryMax));
        RuntimeException failed = outcome.failure();
        if (failed == null) {
            return outcome.value(); // one that finished just as its time ran out has its answer: it stands
        }
        if (outcome.timedOut()) {
            throw invalid(name, "its instantiation and _routes did not finish within " + limitMs + " ms ("
                    + MikConfig.HANDLER_TIMEOUT_MS + ")");
        }
        throw failed;
    }

    private WagiRoutes probeNow(ModuleName name, CompiledModule module, long bytes, long memoryMax) {
        var reservation = memory.admit(bytes, name);
        PreparedInstance instance;
        try {
            instance = PreparedInstance.prepare(module, memoryMax, reservation, memory.pages());
        } catch (ChicoryInterruptedException interrupted) {
            reservation.close();
            throw interrupted;
        } catch (RuntimeException | StackOverflowError failed) {
            reservation.close();
            throw invalid(name, "it cannot be instantiated: " + describe(failed));
        }
        try {
            Set<String> runnable = runnableExports(module.module());
            if (!runnable.contains(WagiRoutes.ROUTES_EXPORT)) {
                return WagiRoutes.WHOLE_MODULE;
            }
            return parse(name, runRoutes(name, instance), runnable);
        } finally {
            instance.release();
        }
    }

    private static String runRoutes(ModuleName name, PreparedInstance instance) {
        CommandOutput output;
        try {
            output = instance.run(new CommandInput(Map.of(), List.of(name.value()), new byte[0]),
                    WagiRoutes.ROUTES_EXPORT, ROUTES_OUTPUT_MAX_BYTES);
        } catch (HandlerFailureException failed) {
            throw invalid(name, "its _routes failed: " + failed.getMessage());
        }
        if (output.stderr().length > 0) {
            String text = LogText.escape(new String(output.stderr(), StandardCharsets.UTF_8).stripTrailing());
            LOG.info(() -> "Module " + name + " _routes stderr: " + text);
        }
        return new String(output.stdout(), StandardCharsets.UTF_8);
    }

    private static WagiRoutes parse(ModuleName name, String printed, Set<String> runnable) {
        try {
            return WagiRoutes.parse(printed, runnable::contains);
        } catch (WagiRoutes.InvalidRoutesException bad) {
            throw invalid(name, "its _routes printed an invalid route table: " + bad.getMessage());
        }
    }

    /** The exported functions that take no parameters and return nothing: what a route may run. */
    static Set<String> runnableExports(WasmModule module) {
        List<FunctionImport> imported = module.importSection().stream()
                .filter(FunctionImport.class::isInstance).map(FunctionImport.class::cast).toList();
        Set<String> runnable = new HashSet<>();
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            Export export = module.exportSection().getExport(i);
            if (export.exportType() != ExternalType.FUNCTION) {
                continue;
            }
            int index = export.index();
            int typeIndex = index < imported.size() ? imported.get(index).typeIndex()
                    : module.functionSection().getFunctionType(index - imported.size());
            FunctionType type = module.typeSection().getType(typeIndex);
            if (type.params().isEmpty() && type.returns().isEmpty()) {
                runnable.add(export.name());
            }
        }
        return runnable;
    }

    private static String describe(Throwable failed) {
        if (failed instanceof StackOverflowError) {
            return "its start function exhausted the call stack";
        }
        return failed.getMessage() != null ? failed.getMessage() : failed.getClass().getSimpleName();
    }

    private static ProblemException invalid(ModuleName name, String why) {
        return new ProblemException(ProblemType.MODULE_INVALID, "Module '" + name + "' cannot be run: " + why + ".");
    }
}

package dev.mik.wasm;

import com.dylibso.chicory.runtime.ByteBufferMemory;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.mik.memory.MemoryPool;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A guest instance whose memory, globals and tables are set up but whose {@code _start} has not run. It is made
 * ahead of a request (so instantiation stays off the request path) and runs exactly one request; it is never reused.
 *
 * <p>WASI state (environment, arguments, stdio) is per request, but Chicory binds host functions when an instance is
 * built. So every instance imports the same forwarding functions, made once, and {@link #run} binds the
 * {@link WasiRun} made for that request to its thread for as long as the guest runs: a guest's host calls are made on
 * the thread that runs it. A forwarding function serves only the instance bound on its thread, so no run reaches
 * another's context.
 * (Forwarding functions made per instance were 46 host functions and their closures per run, JFR; so were Chicory's
 * generated functions bound to each run's context, which a run now makes only when it calls an uncommon one.)
 */
public final class PreparedInstance {

    private static final int STDERR_LIMIT = 16 * 1024;
    /** The detail of a run that met the JVM's own heap limit; the run's boundary reports it as memory-limit. */
    public static final String HEAP_EXHAUSTED = "the server's heap ran out while the handler ran; the run was"
            + " stopped and its memory given back";
    /**
     * Given to every WASI context: without a logger, Chicory's builder asks {@code Class.forName("android.os.Build")}
     * on every build, a failed class-path search under the application class loader's lock that serialised handler
     * runs under load (JFR: 12 s of monitor waits in one storm).
     */
    private static final com.dylibso.chicory.log.Logger WASI_LOGGER = new com.dylibso.chicory.log.SystemLogger();
    private static final HostFunction[] WASI_SIGNATURES;
    /** Where {@code fd_read} is among them; on stdin it is answered by {@link Stdin}. */
    private static final int FD_READ;
    private static final int STDIN_FD = 0;

    /** The forwarding WASI functions, one for each WASI function; an instance imports those its module names. */
    private static final HostFunction[] FORWARDING;

    static {
        try (WasiPreview1 template = WasiPreview1.builder().withLogger(WASI_LOGGER)
                .withOptions(WasiOptions.builder().build()).build()) {
            WASI_SIGNATURES = template.toHostFunctions();
        }
        int fdRead = -1;
        HostFunction[] forwarding = new HostFunction[WASI_SIGNATURES.length];
        for (int i = 0; i < WASI_SIGNATURES.length; i++) {
            HostFunction signature = WASI_SIGNATURES[i];
            if (signature.name().equals("fd_read")) {
                fdRead = i;
            }
            int index = i;
            WasiCall direct = WasiCalls.direct(signature.name());
            WasmFunctionHandle handle = direct == null
                    ? (instance, args) -> WasiRun.of(instance).generated(index).apply(instance, args)
                    : (instance, args) -> direct.call(WasiRun.of(instance), instance, args);
            forwarding[i] = new HostFunction(signature.module(), signature.name(), signature.functionType(), handle);
        }
        FD_READ = fdRead;
        WasiCall fdReadCall = WasiCalls.direct("fd_read");
        forwarding[FD_READ] = new HostFunction(WASI_SIGNATURES[FD_READ].module(), WASI_SIGNATURES[FD_READ].name(),
                WASI_SIGNATURES[FD_READ].functionType(), (instance, args) -> {
                    WasiRun run = WasiRun.of(instance);
                    return (int) args[0] == STDIN_FD && !run.stdinMoved
                            ? run.stdin.fdRead(instance.memory(), (int) args[1], (int) args[2], (int) args[3])
                            : fdReadCall.call(run, instance, args);
                });
        FORWARDING = forwarding;
    }

    /**
     * The forwarding functions {@code module} imports, once each, in the order it imports them: Chicory looks each
     * import up among the import values on every instantiation, and all 46 made that a twentieth of a warm run (JFR).
     * An import that is not a WASI function is left out, so instantiation refuses it as it would have.
     */
    static ImportValues importsOf(WasmModule module) {
        Set<HostFunction> wanted = new LinkedHashSet<>();
        ImportSection imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            Import declared = imports.getImport(i);
            if (declared.importType() != ExternalType.FUNCTION) {
                continue;
            }
            for (HostFunction function : FORWARDING) {
                if (function.module().equals(declared.module()) && function.name().equals(declared.name())) {
                    wanted.add(function);
                }
            }
        }
        return ImportValues.builder().addFunction(wanted.toArray(HostFunction[]::new)).build();
    }

    private static final Logger LOG = Logger.getLogger(PreparedInstance.class.getName());

    private final Instance instance;
    private final MemoryAccount account;
    private final long memoryMaxBytes;
    private final List<PagedMemory> memories;
    private final AtomicBoolean used = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();

    private PreparedInstance(Instance instance, MemoryAccount account, long memoryMaxBytes,
                             List<PagedMemory> memories) {
        this.instance = instance;
        this.account = account;
        this.memoryMaxBytes = memoryMaxBytes;
        this.memories = memories;
    }

    /** The memory cap this instance was made with; an instance made under an older setting is not used. */
    public long memoryMaxBytes() {
        return memoryMaxBytes;
    }

    /** Bytes this instance holds from the memory pool now: its footprint plus what its memories grew by. */
    public long heldBytes() {
        return account.held();
    }

    /**
     * The bytes an instance of {@code compiled} holds before it runs, which {@link #prepare} needs reserved.
     *
     * @throws MemoryLimitException when they are already above {@code memoryMaxBytes}
     */
    public static long initialBytes(CompiledModule compiled, long memoryMaxBytes) {
        long bytes = compiled.footprint().bytes(memoryMaxBytes);
        if (bytes > memoryMaxBytes) {
            throw new MemoryLimitException("the module needs " + bytes + " bytes before it runs ("
                    + compiled.footprint().describe(memoryMaxBytes) + "), above the limit of " + memoryMaxBytes
                    + " bytes for all of an instance's memories and tables (mik.handler.memory-max-bytes)", new byte[0],
                    false);
        }
        return bytes;
    }

    /**
     * Instantiates {@code compiled}: all its memories and tables together are capped at {@code memoryMaxBytes}, and
     * every memory growth is reserved from {@code reservation}'s pool as it happens.
     *
     * @param reservation holds {@link #initialBytes} already; the instance owns it once this returns (give it back
     *                    with {@link #release}), the caller still owns it if this throws
     */
    public static PreparedInstance prepare(CompiledModule compiled, long memoryMaxBytes,
                                           MemoryPool.Reservation reservation) {
        return prepare(compiled, memoryMaxBytes, reservation, PageCache.none());
    }

    /**
     * Like {@link #prepare(CompiledModule, long, MemoryPool.Reservation)}, with the pages of unshared memories taken
     * from {@code pages} and given back to it by {@link #release}.
     */
    public static PreparedInstance prepare(CompiledModule compiled, long memoryMaxBytes,
                                           MemoryPool.Reservation reservation, PageCache pages) {
        long initial = initialBytes(compiled, memoryMaxBytes);
        if (reservation.held() < initial) {
            throw new IllegalArgumentException("the reservation holds " + reservation.held() + " bytes, the instance "
                    + initial);
        }
        MemoryAccount account = new MemoryAccount(reservation, memoryMaxBytes);
        List<PagedMemory> memories = new ArrayList<>();
        Instance instance = Instance.builder(compiled.module())
                .withImportValues(compiled.imports())
                .withMachineFactory(compiled.machineFactory())
                .withMemoryFactory(declared -> memory(declared, memoryMaxBytes, pages, memories,
                        new GrowthLimit(declared.maximumPages(), account)))
                .withStart(false)
                .build();
        return new PreparedInstance(instance, account, memoryMaxBytes, List.copyOf(memories));
    }

    /** An unshared memory is made of recycled pages; a shared one (threads) is Chicory's own. */
    private static Memory memory(MemoryLimits declared, long memoryMaxBytes, PageCache pages,
                                 List<PagedMemory> made, GrowthLimit limit) {
        int maximum = InstanceFootprint.maximumPagesUnder(declared.maximumPages(), memoryMaxBytes);
        if (declared.shared()) {
            return new CappedMemory(new ByteBufferMemory(new MemoryLimits(declared.initialPages(), maximum, true)),
                    limit);
        }
        PagedMemory memory = new PagedMemory(declared.initialPages(), maximum, pages, limit);
        made.add(memory);
        return memory;
    }

    /**
     * Gives this instance's memory back to the pool and its pages to the page cache; call it once the instance is no
     * longer wanted and its run, if any, has ended (the pages are handed to other runs). Idempotent.
     */
    public void release() {
        if (!released.compareAndSet(false, true)) {
            return; // once only: a page handed to the cache twice could serve two memories at once
        }
        account.close();
        for (PagedMemory memory : memories) {
            memory.recycle();
        }
    }

    /**
     * Like {@link #release}, but the pages are left to the garbage collector instead of the page cache: for a run that
     * met the heap's limit, whose pages the heap needs back now. Idempotent, and nothing after {@link #release}.
     */
    public void discard() {
        if (released.compareAndSet(false, true)) {
            account.close();
        }
    }

    /**
     * Runs the guest's exported function {@code export} ({@code _start}, or a route's export, which takes no
     * parameters and returns nothing) once with {@code input}. A thread interrupt ends the guest with
     * {@link ChicoryInterruptedException}, which is passed through untouched.
     */
    public CommandOutput run(CommandInput input, String export, long stdoutLimit) {
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("a prepared instance runs one request only");
        }
        BoundedOutput stdout = new BoundedOutput(stdoutLimit, true);
        BoundedOutput stderr = new BoundedOutput(STDERR_LIMIT, false);
        Stdin stdin = new Stdin(input.stdin());
        WasiOptions options = WasiOptions.builder()
                .withStdin(stdin)
                .withStdout(stdout)
                .withStderr(stderr)
                .build();
        try (WasiPreview1 context = WasiPreview1.builder().withLogger(WASI_LOGGER).withOptions(options).build()) {
            WasiRun outer = WasiRun.bind(new WasiRun(instance, context, stdin, input.arguments(), input.environment()));
            try {
                instance.export(export).apply();
            } finally {
                // a pooled server thread keeps nothing of the run; a run never nests in another, but would get it back
                WasiRun.unbind(outer);
            }
        } catch (WasiExitException exit) {
            if (exit.exitCode() != 0) {
                throw failure(new HandlerExitException(exit.exitCode(), stderr.bytes()), stdoutLimit, stdout, stderr);
            }
        } catch (ChicoryInterruptedException interrupted) {
            throw interrupted;
        } catch (HandlerFailureException failure) {
            throw failure(failure, stdoutLimit, stdout, stderr);
        } catch (RuntimeException | StackOverflowError trap) {
            if (Thread.currentThread().isInterrupted()) {
                throw new ChicoryInterruptedException(trap);
            }
            if (causedByHeapExhaustion(trap)) {
                throw new MemoryLimitException(HEAP_EXHAUSTED, stderr.bytes(), true);
            }
            throw failure(new HandlerTrapException("the handler trapped: " + describe(trap), stderr.bytes()),
                    stdoutLimit, stdout, stderr);
        }
        return new CommandOutput(stdout.bytes(), stderr.bytes());
    }

    private static boolean causedByHeapExhaustion(Throwable trap) {
        for (Throwable cause = trap; cause != null; cause = cause.getCause()) {
            if (cause instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    /** What a client may read about a trap: WebAssembly's own trap text, never a Java exception's. */
    private static String describe(Throwable trap) {
        if (trap instanceof StackOverflowError) {
            return "call stack exhausted";
        }
        if (trap instanceof TrapException && trap.getMessage() != null) {
            return trap.getMessage();
        }
        LOG.log(Level.FINE, "Handler failed inside the runtime", trap);
        return "the runtime stopped it (" + trap.getClass().getSimpleName() + ")";
    }

    /** Picks the most telling cause: a full stdout or a refused memory grow explains the trap that followed. */
    private HandlerFailureException failure(HandlerFailureException seen, long stdoutLimit, BoundedOutput stdout,
                                            BoundedOutput stderr) {
        if (stdout.overflowed()) {
            return seen instanceof OutputLimitException ? seen : new OutputLimitException(stdoutLimit);
        }
        String refusal = account.refusal();
        if (refusal != null && !(seen instanceof MemoryLimitException)) {
            return new MemoryLimitException("a memory grow was refused: " + refusal + " (then " + seen.getMessage()
                    + ")", stderr.bytes(), account.refusedByPool());
        }
        return seen;
    }

}

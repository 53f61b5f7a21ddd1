package dev.mik.run;

import dev.mik.config.MikConfig;
import dev.mik.files.FileStamp;
import dev.mik.files.FileVersions;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.wasm.CodeCache;
import dev.mik.wasm.CompiledModule;
import dev.mik.wasm.InvalidModuleException;
import dev.mik.wasm.MemoryLimitException;
import dev.mik.wasm.ModuleCompiler;
import dev.mik.wasm.PreparedInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Maps module names to the current version of {@code <dir>/<name>.wasm}. Each lookup checks the file's identity,
 * time and size (one {@code stat}), so a changed, added or removed file is seen by the next request without a
 * restart. Compilations are shared by content hash, so renaming or copying a module costs nothing.
 *
 * <p>No request waits for the compiler. A file is parsed and checked when it is first seen (milliseconds) and
 * compiled to JVM bytecode in the background ({@code compiler}), several at once, each within a time limit. Until
 * its compilation is done, a new module runs on Chicory's interpreter, and a changed one keeps running its previous
 * version; the compiled version then takes over. A file that cannot be loaded or compiled is remembered as failed
 * until it changes.
 */
public final class ModuleCatalog {

    private static final Logger LOG = Logger.getLogger(ModuleCatalog.class.getName());

    private final FileVersions<ModuleVersion> versions =
            new FileVersions<>(".wasm", ModuleCatalog::lasts, new Installs());
    private final Map<String, CompiledModule> byHash = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<CompiledModule>> compiling = new ConcurrentHashMap<>();

    private final HandlerMemory memory;
    private final Executor compiler;
    private final LongSupplier compileTimeoutMs;
    private final Consumer<ModuleVersion> compiledVersions;
    private final CodeCache codeCache;
    private final ModuleProbe probe;

    private static final String REASON = "reason";
    private static final String MEMORY_REASON = "memory";

    /** Compiles on the calling thread, without a time limit: for tests of what a version does. */
    public ModuleCatalog(HandlerMemory memory, ModuleProbe probe) {
        this(memory, Runnable::run, () -> Long.MAX_VALUE, version -> { }, null, probe);
    }

    /**
     * @param memory           where the versions' instances reserve their bytes
     * @param compiler         runs compilations, off the request path
     * @param compileTimeoutMs how long one compilation may take ({@code mik.module.compile-timeout-ms})
     * @param compiledVersions told about every version that starts serving compiled code (to prepare instances)
     * @param codeCache        where compiled classes are kept across restarts; null keeps none
     * @param probe            tries each new file version once (instantiation, {@code _routes}) before it serves
     */
    public ModuleCatalog(HandlerMemory memory, Executor compiler, LongSupplier compileTimeoutMs,
                         Consumer<ModuleVersion> compiledVersions, CodeCache codeCache, ModuleProbe probe) {
        this.memory = memory;
        this.probe = probe;
        this.compiler = compiler;
        this.compileTimeoutMs = compileTimeoutMs;
        this.compiledVersions = compiledVersions;
        this.codeCache = codeCache;
    }

    /**
     * The current version of module {@code name}, checked against the memory cap on every call (a cheap sum), so a
     * changed {@code mik.handler.memory-max-bytes} applies to the next request.
     *
     * @throws ProblemException {@link ProblemType#MODULE_NOT_FOUND} when there is no such file,
     *                          {@link ProblemType#MODULE_INVALID} when it is not a runnable module or an instance of it
     *                          would hold more than {@code memoryMaxBytes} before it runs
     */
    public ModuleVersion resolve(Path dir, ModuleName name, long maxModuleBytes, long memoryMaxBytes) {
        return requireFits(load(dir, name, maxModuleBytes), memoryMaxBytes);
    }

    /**
     * Loads module {@code name} ahead of requests and answers when its compiled version serves (or its load
     * failed, which the future does not report: a request will).
     */
    public CompletableFuture<Void> warm(Path dir, ModuleName name, long maxModuleBytes) {
        try {
            load(dir, name, maxModuleBytes);
        } catch (ProblemException failed) {
            return CompletableFuture.completedFuture(null);
        }
        String hash = currentHash(name);
        CompletableFuture<CompiledModule> job = hash == null ? null : compiling.get(hash);
        return job == null ? CompletableFuture.completedFuture(null)
                : job.handle((compiled, failure) -> null).thenRun(() -> { });
    }

    private String currentHash(ModuleName name) {
        FileVersions.State<ModuleVersion> state = versions.state(name.value());
        return state == null || state.loaded() == null ? null : state.loaded().compiled().sha256();
    }

    /**
     * What discovery shows of a module: its loaded version (null before its first load), whether that runs compiled
     * code, and why the file's version was refused, if it was.
     */
    public record Status(ModuleVersion version, boolean compiled, String loadError) {
    }

    /** The {@link Status} of module {@code name}. */
    public Status status(ModuleName name) {
        FileVersions.State<ModuleVersion> state = versions.state(name.value());
        if (state == null) {
            return new Status(null, false, null);
        }
        return new Status(state.loaded(), isCompiled(state), state.failure() == null ? null
                : state.failure().getMessage());
    }

    /** Whether module {@code name} is loaded and runs compiled code. */
    public boolean isCompiled(ModuleName name) {
        return isCompiled(versions.state(name.value()));
    }

    private static boolean isCompiled(FileVersions.State<ModuleVersion> state) {
        return state != null && state.loaded() != null && state.loaded().compiled().compiled() && !state.loading();
    }

    private static ModuleVersion requireFits(ModuleVersion version, long memoryMaxBytes) {
        try {
            PreparedInstance.initialBytes(version.compiled(), memoryMaxBytes);
            return version;
        } catch (MemoryLimitException tooLarge) {
            throw tooLarge(version.name(), tooLarge);
        }
    }

    /** Module {@code name} does not fit the memory cap: not remembered, since the cap can change. */
    static ProblemException tooLarge(ModuleName name, MemoryLimitException tooLarge) {
        return new ProblemException(ProblemType.MODULE_INVALID, "Module '" + name + "' cannot be run: "
                + tooLarge.getMessage() + ".", null, Map.of(REASON, MEMORY_REASON));
    }

    private ModuleVersion load(Path dir, ModuleName name, long maxModuleBytes) {
        ModuleVersion version = versions.current(dir, name.value(),
                (file, stamp, previous) -> load(file, name, stamp, previous, maxModuleBytes));
        if (version == null) {
            throw new ProblemException(ProblemType.MODULE_NOT_FOUND,
                    "No module '" + name + "' in the handlers directory.");
        }
        return version;
    }

    /**
     * Reads and probes file version {@code stamp} of {@code name} (milliseconds), then compiles it in the background
     * while the interpreter runs it, or while {@code previous} serves, unless this content was compiled before.
     */
    private FileVersions.Load<ModuleVersion> load(Path file, ModuleName name, FileStamp stamp, ModuleVersion previous,
                                                  long maxModuleBytes) {
        CompiledModule module;
        WagiRoutes routes;
        try {
            module = read(file, name, stamp, maxModuleBytes);
            routes = probe.probe(name, module);
        } catch (ProblemException problem) {
            if (lasts(problem)) {
                LOG.warning(() -> "Module " + name + " cannot be served until its file changes: "
                        + problem.getMessage());
            }
            throw problem;
        }
        if (module.compiled()) {
            return FileVersions.Load.done(new ModuleVersion(name, stamp, module, routes, memory));
        }
        CompletableFuture<ModuleVersion> compiled = compileInBackground(name, module).handle((done, failure) -> {
            if (failure == null) {
                return new ModuleVersion(name, stamp, done, routes, memory);
            }
            ProblemException problem = failure instanceof ProblemException known ? known
                    : new ProblemException(ProblemType.MODULE_INVALID, "Module '" + name + "' could not be compiled: "
                            + failure.getMessage());
            LOG.warning(() -> "Module " + name + " cannot be served: " + problem.getMessage());
            throw problem;
        });
        ModuleVersion interpreted = previous == null ? new ModuleVersion(name, stamp, module, routes, memory) : null;
        return FileVersions.Load.inBackground(interpreted, compiled);
    }

    /** A failure remembered until the file changes: the file is not a runnable module (the memory cap can change). */
    private static boolean lasts(RuntimeException failure) {
        return failure instanceof ProblemException problem && problem.type() == ProblemType.MODULE_INVALID
                && !MEMORY_REASON.equals(problem.extensions().get(REASON));
    }

    /** Starts and stops the versions that serve: prepares compiled ones, releases those that serve no more. */
    private final class Installs implements FileVersions.Listener<ModuleVersion> {

        @Override
        public void serving(String name, ModuleVersion replaced, ModuleVersion loaded) {
            CompiledModule module = loaded.compiled();
            String how = module.compiled() ? "compiled" : "on the interpreter until its compilation is done";
            if (replaced != null) {
                replaced.retire();
                dropUnused(replaced.compiled().sha256());
                if (!replaced.compiled().sha256().equals(module.sha256())) {
                    LOG.info(() -> "Module " + name + " changed on disk; new requests run version "
                            + module.sha256().substring(0, 12) + " " + how + ".");
                }
            } else {
                LOG.info(() -> "Module " + name + " loaded (" + loaded.stamp().size() + " bytes, sha256 "
                        + module.sha256().substring(0, 12) + "), " + how + ".");
            }
            if (module.compiled()) {
                compiledVersions.accept(loaded);
            }
        }

        @Override
        public void retired(String name, ModuleVersion last, Throwable failure) {
            last.retire();
            dropUnused(last.compiled().sha256());
            if (failure == null) {
                LOG.info(() -> "Module " + name + " was removed from disk.");
            }
        }
    }

    private CompletableFuture<CompiledModule> compileInBackground(ModuleName name, CompiledModule parsed) {
        String hash = parsed.sha256();
        CompletableFuture<CompiledModule> job = new CompletableFuture<>();
        CompletableFuture<CompiledModule> finished;
        long timeoutMs = compileTimeoutMs.getAsLong();
        synchronized (compiling) {
            CompletableFuture<CompiledModule> running = compiling.get(hash);
            if (running != null) {
                return running;
            }
            finished = job.thenApply(compiled -> {
                if (compiled == null) {
                    throw new ProblemException(ProblemType.MODULE_INVALID, "Module '" + name + "' took longer than "
                            + timeoutMs + " ms to compile (" + MikConfig.MODULE_COMPILE_TIMEOUT_MS + ").");
                }
                byHash.put(hash, compiled);
                return compiled;
            });
            compiling.put(hash, finished);
        }
        finished.whenComplete((compiled, failure) -> compiling.remove(hash, finished));
        if (timeoutMs < Long.MAX_VALUE) {
            job.completeOnTimeout(null, timeoutMs, TimeUnit.MILLISECONDS);
        }
        try {
            compiler.execute(() -> compile(name, parsed, job, codeCache));
        } catch (RuntimeException refused) {
            job.completeExceptionally(refused);
        }
        return finished;
    }

    private static void compile(ModuleName name, CompiledModule parsed, CompletableFuture<CompiledModule> job,
                                CodeCache codeCache) {
        if (job.isDone()) {
            return; // it waited for a compiler longer than it may take
        }
        long started = System.nanoTime();
        try {
            CompiledModule compiled = ModuleCompiler.compile(parsed, codeCache);
            boolean cached = codeCache != null && codeCache.takeHit(parsed.module().digest());
            if (job.complete(compiled)) {
                long ms = (System.nanoTime() - started) / 1_000_000;
                LOG.info(() -> cached ? "Module " + name + " loaded from the code cache in " + ms + " ms."
                        : "Module " + name + " compiled in " + ms + " ms.");
            }
        } catch (InvalidModuleException e) {
            job.completeExceptionally(new ProblemException(ProblemType.MODULE_INVALID, "Module '" + name
                    + "' cannot be loaded: " + e.getMessage()));
        } catch (RuntimeException | Error e) {
            job.completeExceptionally(e);
        }
    }

    /** The parsed module in {@code file}: the compiled one when this content was compiled before. */
    private CompiledModule read(Path file, ModuleName name, FileStamp stamp, long maxModuleBytes) {
        if (stamp.size() > maxModuleBytes) {
            throw new ProblemException(ProblemType.MODULE_INVALID, "Module '" + name + "' is " + stamp.size()
                    + " bytes, above the limit of " + maxModuleBytes + " (mik.module.max-bytes).");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException gone) {
            throw new ProblemException(ProblemType.MODULE_NOT_FOUND,
                    "No module '" + name + "' in the handlers directory.");
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        String hash = ModuleCompiler.sha256(bytes);
        CompiledModule known = byHash.get(hash);
        if (known != null) {
            return known;
        }
        try {
            CompiledModule parsed = ModuleCompiler.parse(hash, bytes);
            byHash.putIfAbsent(hash, parsed);
            return parsed;
        } catch (InvalidModuleException e) {
            throw new ProblemException(ProblemType.MODULE_INVALID, "Module '" + name + "' cannot be loaded: "
                    + e.getMessage());
        }
    }

    /**
     * Forgets the modules whose file is gone, with their ready instances and breakers, and returns their names; run
     * periodically so a deleted module does not wait for its next request to be released.
     */
    public List<String> sweep(Path dir) {
        return versions.sweep(dir);
    }

    private void dropUnused(String hash) {
        boolean stillUsed = versions.loaded().values().stream().anyMatch(v -> v.compiled().sha256().equals(hash));
        if (!stillUsed && !compiling.containsKey(hash)) {
            byHash.remove(hash);
        }
    }

    /**
     * Releases the ready instances of every module no request used for {@code idleMs}, so an idle module holds no
     * memory; the next request makes its instance on the spot and refills. Returns the modules released.
     */
    public List<String> releaseIdle(long idleMs) {
        long now = System.nanoTime();
        long idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMs);
        List<String> released = new ArrayList<>();
        versions.loaded().forEach((name, version) -> {
            if (version.releaseIfIdle(now, idleNanos)) {
                released.add(name);
            }
        });
        return released;
    }

    /** Number of modules currently loaded. */
    public int size() {
        return versions.loaded().size();
    }
}

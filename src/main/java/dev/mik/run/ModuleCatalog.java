package dev.mik.run;

import dev.mik.config.MikConfig;
import dev.mik.files.FileStamp;
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

    private final Map<String, ModuleVersion> current = new ConcurrentHashMap<>();
    private final Map<String, CompiledModule> byHash = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<CompiledModule>> compiling = new ConcurrentHashMap<>();
    /** A changed file whose new version is being compiled while the previous version keeps serving. */
    private final Map<String, FileStamp> changing = new ConcurrentHashMap<>();
    private final Map<String, Object> loadLocks = new ConcurrentHashMap<>();
    /** A file that failed to load, remembered until it changes, so it is not re-read on every request. */
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();

    private final HandlerMemory memory;
    private final Executor compiler;
    private final LongSupplier compileTimeoutMs;
    private final Consumer<ModuleVersion> compiledVersions;
    private final CodeCache codeCache;
    private final ModuleProbe probe;

    private record Failure(FileStamp stamp, ProblemException problem) {
    }

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
        ModuleVersion version = current.get(name.value());
        return version == null ? null : version.compiled().sha256();
    }

    /**
     * What discovery shows of a module: its loaded version (null before its first load), whether that runs compiled
     * code, and why the file's version was refused, if it was.
     */
    public record Status(ModuleVersion version, boolean compiled, String loadError) {
    }

    /** The {@link Status} of module {@code name}. */
    public Status status(ModuleName name) {
        Failure failure = failures.get(name.value());
        return new Status(current.get(name.value()), isCompiled(name),
                failure == null ? null : failure.problem().detail());
    }

    /** Whether module {@code name} is loaded and runs compiled code. */
    public boolean isCompiled(ModuleName name) {
        ModuleVersion version = current.get(name.value());
        return version != null && version.compiled().compiled() && !changing.containsKey(name.value());
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
        Path file = dir.resolve(name.fileName());
        FileStamp stamp = FileStamp.of(file);
        if (stamp == null) {
            forget(name);
            throw new ProblemException(ProblemType.MODULE_NOT_FOUND,
                    "No module '" + name + "' in the handlers directory.");
        }
        ModuleVersion known = current.get(name.value());
        if (known != null && (known.stamp().equals(stamp) || stamp.equals(changing.get(name.value())))) {
            return known;
        }
        synchronized (lockOf(name)) {
            known = current.get(name.value());
            if (known != null && (known.stamp().equals(stamp) || stamp.equals(changing.get(name.value())))) {
                return known;
            }
            Failure failed = failures.get(name.value());
            if (failed != null && failed.stamp().equals(stamp)) {
                throw failed.problem();
            }
            CompiledModule module;
            WagiRoutes routes;
            try {
                module = read(file, name, stamp, maxModuleBytes);
                routes = probe.probe(name, module);
            } catch (ProblemException problem) {
                if (problem.type() == ProblemType.MODULE_INVALID
                        && !MEMORY_REASON.equals(problem.extensions().get(REASON))) {
                    failures.put(name.value(), new Failure(stamp, problem));
                    LOG.warning(() -> "Module " + name + " cannot be served until its file changes: "
                            + problem.getMessage());
                }
                throw problem;
            }
            failures.remove(name.value());
            if (module.compiled()) {
                changing.remove(name.value());
                return install(name, stamp, module, routes);
            }
            CompletableFuture<CompiledModule> job = compileInBackground(name, module);
            ModuleVersion serving;
            if (known != null) {
                changing.put(name.value(), stamp); // the previous version serves until the new one is compiled
                serving = known;
            } else {
                serving = install(name, stamp, module, routes);
            }
            job.whenComplete((compiled, failure) -> promote(name, stamp, routes, compiled, failure));
            if (job.isDone()) { // compiled on this thread, or found finished
                ModuleVersion latest = current.get(name.value());
                if (latest != null && latest.stamp().equals(stamp)) {
                    return latest;
                }
                Failure failure = failures.get(name.value());
                if (failure != null && failure.stamp().equals(stamp)) {
                    throw failure.problem();
                }
            }
            return serving;
        }
    }

    private Object lockOf(ModuleName name) {
        return loadLocks.computeIfAbsent(name.value(), key -> new Object());
    }

    /** Makes {@code module} the version that serves {@code name}; caller holds the name's lock. */
    private ModuleVersion install(ModuleName name, FileStamp stamp, CompiledModule module, WagiRoutes routes) {
        ModuleVersion loaded = new ModuleVersion(name, stamp, module, routes, memory);
        ModuleVersion replaced = current.put(name.value(), loaded);
        String how = module.compiled() ? "compiled" : "on the interpreter until its compilation is done";
        if (replaced != null) {
            replaced.retire();
            dropUnused(replaced.compiled().sha256());
            if (!replaced.compiled().sha256().equals(module.sha256())) {
                LOG.info(() -> "Module " + name + " changed on disk; new requests run version "
                        + module.sha256().substring(0, 12) + " " + how + ".");
            }
        } else {
            LOG.info(() -> "Module " + name + " loaded (" + stamp.size() + " bytes, sha256 "
                    + module.sha256().substring(0, 12) + "), " + how + ".");
        }
        if (module.compiled()) {
            compiledVersions.accept(loaded);
        }
        return loaded;
    }

    /** The compilation of {@code name}'s file version {@code stamp} ended: its compiled version takes over. */
    private void promote(ModuleName name, FileStamp stamp, WagiRoutes routes, CompiledModule compiled,
                         Throwable failure) {
        synchronized (lockOf(name)) {
            ModuleVersion serving = current.get(name.value());
            boolean changed = stamp.equals(changing.get(name.value()));
            boolean interpreted = serving != null && serving.stamp().equals(stamp) && !serving.compiled().compiled();
            if (!changed && !interpreted) {
                return; // the file changed again, or went away, meanwhile
            }
            changing.remove(name.value());
            if (failure == null) {
                install(name, stamp, compiled, routes);
                return;
            }
            ProblemException problem = failure instanceof ProblemException known ? known
                    : new ProblemException(ProblemType.MODULE_INVALID, "Module '" + name + "' could not be compiled: "
                            + failure.getMessage());
            failures.put(name.value(), new Failure(stamp, problem));
            if (interpreted) {
                current.remove(name.value());
                serving.retire();
                dropUnused(serving.compiled().sha256());
            }
            LOG.warning(() -> "Module " + name + " cannot be served: " + problem.getMessage());
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
        List<String> removed = new ArrayList<>();
        failures.keySet().removeIf(name -> FileStamp.of(dir.resolve(name + ".wasm")) == null);
        for (String name : List.copyOf(current.keySet())) {
            if (FileStamp.of(dir.resolve(name + ".wasm")) == null) {
                forget(new ModuleName(name));
                removed.add(name);
            }
        }
        return removed;
    }

    private void forget(ModuleName name) {
        failures.remove(name.value());
        changing.remove(name.value());
        ModuleVersion removed = current.remove(name.value());
        if (removed != null) {
            removed.retire();
            dropUnused(removed.compiled().sha256());
            loadLocks.remove(name.value());
            LOG.info(() -> "Module " + name + " was removed from disk.");
        }
    }

    private void dropUnused(String hash) {
        boolean stillUsed = current.values().stream().anyMatch(v -> v.compiled().sha256().equals(hash));
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
        current.forEach((name, version) -> {
            if (version.releaseIfIdle(now, idleNanos)) {
                released.add(name);
            }
        });
        return released;
    }

    /** Number of modules currently loaded. */
    public int size() {
        return current.size();
    }
}

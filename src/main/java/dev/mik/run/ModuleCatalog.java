package dev.mik.run;

import dev.mik.files.FileStamp;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Maps module names to the current version of {@code <dir>/<name>.wasm}. Each lookup checks the file's identity,
 * time and size (one {@code stat}), so a changed, added or removed file is seen by the next request without a
 * restart. Compilations are shared by content hash, so renaming or copying a module costs nothing.
 */
public final class ModuleCatalog {

    private static final Logger LOG = Logger.getLogger(ModuleCatalog.class.getName());

    private final Map<String, ModuleVersion> current = new ConcurrentHashMap<>();
    private final Map<String, CompiledModule> byHash = new ConcurrentHashMap<>();
    private final Map<String, Object> loadLocks = new ConcurrentHashMap<>();
    /** A file that failed to load, remembered until it changes, so it is not re-read on every request. */
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();

    private final HandlerMemory memory;

    private record Failure(FileStamp stamp, ProblemException problem) {
    }

    /** @param memory where the versions' instances reserve their bytes */
    public ModuleCatalog(HandlerMemory memory) {
        this.memory = memory;
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

    private static ModuleVersion requireFits(ModuleVersion version, long memoryMaxBytes) {
        try {
            PreparedInstance.initialBytes(version.compiled(), memoryMaxBytes);
            return version;
        } catch (MemoryLimitException tooLarge) {
            throw new ProblemException(ProblemType.MODULE_INVALID, "Module '" + version.name() + "' cannot be run: "
                    + tooLarge.getMessage() + ".", null, Map.of("reason", "memory"));
        }
    }

    private ModuleVersion load(Path dir, ModuleName name, long maxModuleBytes) {
        Path file = dir.resolve(name.fileName());
        FileStamp stamp = FileStamp.of(file);
        if (stamp == null) {
            forget(name);
            throw new ProblemException(ProblemType.MODULE_NOT_FOUND, "No module '" + name + "' in the handlers directory.");
        }
        ModuleVersion known = current.get(name.value());
        if (known != null && known.stamp().equals(stamp)) {
            return known;
        }
        synchronized (loadLocks.computeIfAbsent(name.value(), key -> new Object())) {
            known = current.get(name.value());
            if (known != null && known.stamp().equals(stamp)) {
                return known;
            }
            Failure failed = failures.get(name.value());
            if (failed != null && failed.stamp().equals(stamp)) {
                throw failed.problem();
            }
            CompiledModule compiled;
            try {
                compiled = compile(file, name, stamp, maxModuleBytes);
            } catch (ProblemException problem) {
                if (problem.type() == ProblemType.MODULE_INVALID) {
                    failures.put(name.value(), new Failure(stamp, problem));
                }
                throw problem;
            }
            failures.remove(name.value());
            ModuleVersion loaded = new ModuleVersion(name, stamp, compiled, memory);
            ModuleVersion replaced = current.put(name.value(), loaded);
            if (replaced != null) {
                replaced.retire();
                dropUnused(replaced.compiled().sha256());
                LOG.info(() -> "Module " + name + " changed on disk; new requests run version "
                        + loaded.compiled().sha256().substring(0, 12) + ".");
            } else {
                LOG.info(() -> "Module " + name + " loaded (" + stamp.size() + " bytes, sha256 "
                        + loaded.compiled().sha256().substring(0, 12) + ").");
            }
            return loaded;
        }
    }

    private CompiledModule compile(Path file, ModuleName name, FileStamp stamp, long maxModuleBytes) {
        if (stamp.size() > maxModuleBytes) {
            throw new ProblemException(ProblemType.MODULE_INVALID, "Module '" + name + "' is " + stamp.size()
                    + " bytes, above the limit of " + maxModuleBytes + " (mik.module.max-bytes).");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException gone) {
            throw new ProblemException(ProblemType.MODULE_NOT_FOUND, "No module '" + name + "' in the handlers directory.");
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        String hash = ModuleCompiler.sha256(bytes);
        CompiledModule known = byHash.get(hash);
        if (known != null) {
            return known;
        }
        try {
            long started = System.nanoTime();
            CompiledModule compiled = ModuleCompiler.compile(hash, bytes);
            LOG.info(() -> "Module " + name + " compiled in " + (System.nanoTime() - started) / 1_000_000 + " ms.");
            byHash.put(hash, compiled);
            return compiled;
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
        if (!stillUsed) {
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

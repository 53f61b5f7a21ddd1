package dev.mik.script;

import dev.mik.files.FileStamp;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.sandbox.CompiledScript;
import dev.mik.sandbox.ScriptCompileException;
import dev.mik.sandbox.ScriptSandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Maps script names to the compiled form of {@code <dir>/<name>.js}, compiling once per file version: one
 * {@code stat} per request notices an edit. An edited script is compiled in the background ({@code compiler}) while
 * its previous version keeps serving, so no request waits for the compiler; only a script never compiled before
 * (not at start-up either, see {@link #warm}) is compiled on its first request. A script that does not compile is
 * remembered as such until its file changes, so a broken file is not recompiled on every request.
 */
final class ScriptRepository {

    private static final Logger LOG = Logger.getLogger(ScriptRepository.class.getName());

    private record Entry(FileStamp stamp, CompiledScript script, ScriptCompileException error) {
    }

    private final ScriptSandbox sandbox;
    private final Executor compiler;
    private final Predicate<String> moduleExists;
    private final Map<String, Entry> current = new ConcurrentHashMap<>();
    /** The file version of an edited script whose compilation is under way while its previous version serves. */
    private final Map<String, FileStamp> changing = new ConcurrentHashMap<>();

    /** Compiles edited scripts on the request that notices them: for tests. */
    ScriptRepository(ScriptSandbox sandbox) {
        this(sandbox, null, module -> true);
    }

    /**
     * @param compiler     compiles edited scripts off the request path; null compiles them on the request
     * @param moduleExists whether a module of that name is in the handlers directory: a compiled script whose
     *                     {@code host.call}s name one that is not is logged as a warning
     */
    ScriptRepository(ScriptSandbox sandbox, Executor compiler, Predicate<String> moduleExists) {
        this.sandbox = sandbox;
        this.compiler = compiler;
        this.moduleExists = moduleExists;
    }

    /** Compiles script {@code name} now, ahead of requests; a failure is remembered for the request to report. */
    void warm(Path dir, ScriptName name, long maxSourceBytes) {
        try {
            resolve(dir, name, maxSourceBytes);
        } catch (ProblemException failed) {
            // remembered, or the file is gone: the request reports it
        }
    }

    /**
     * What discovery shows of a loaded script: whether the file's current version serves compiled, why it does not
     * compile if it does not, and the modules its {@code host.call}s name (empty until it compiled once).
     */
    record Status(boolean compiled, String compileError, SortedSet<String> hostCallTargets) {
    }

    /** The {@link Status} of script {@code name}, or null when no request or warm-up has loaded it yet. */
    Status status(ScriptName name) {
        Entry entry = current.get(name.value());
        if (entry == null) {
            return null;
        }
        return new Status(isCompiled(name), entry.error() == null ? null : entry.error().getMessage(),
                entry.script() == null ? Collections.emptySortedSet() : entry.script().hostCallTargets());
    }

    /** Whether script {@code name} is compiled and its current file version is the one that serves. */
    boolean isCompiled(ScriptName name) {
        Entry entry = current.get(name.value());
        return entry != null && entry.script() != null && !changing.containsKey(name.value());
    }

    /**
     * @throws ProblemException {@link ProblemType#SCRIPT_NOT_FOUND}, or {@link ProblemType#SCRIPT_ERROR} when the
     *                          file does not compile (the detail names the line)
     */
    CompiledScript resolve(Path dir, ScriptName name, long maxSourceBytes) {
        Path file = dir.resolve(name.fileName());
        FileStamp stamp = FileStamp.of(file);
        if (stamp == null) {
            current.remove(name.value());
            changing.remove(name.value());
            throw notFound(name);
        }
        Entry entry = current.get(name.value());
        if (entry != null && !entry.stamp().equals(stamp) && entry.script() != null && compiler != null
                && stamp.size() <= maxSourceBytes) {
            recompileLater(file, name, stamp, maxSourceBytes);
            return entry.script(); // the previous version serves until the edit is compiled
        }
        if (entry == null || !entry.stamp().equals(stamp)) {
            entry = current.compute(name.value(), (key, known) ->
                    known != null && known.stamp().equals(stamp) ? known : load(file, name, stamp, maxSourceBytes));
        }
        if (entry.error() != null) {
            throw new ProblemException(ProblemType.SCRIPT_ERROR, "Script '" + name + "' does not compile: "
                    + entry.error().getMessage(), null,
                    Map.of("script", name.value(), "line", entry.error().getLine()));
        }
        return entry.script();
    }

    private void recompileLater(Path file, ScriptName name, FileStamp stamp, long maxSourceBytes) {
        if (stamp.equals(changing.put(name.value(), stamp))) {
            return; // already under way
        }
        try {
            compiler.execute(() -> {
                Entry compiled;
                try {
                    compiled = load(file, name, stamp, maxSourceBytes);
                } catch (ProblemException | UncheckedIOException gone) {
                    changing.remove(name.value(), stamp);
                    return; // the next request looks at the file again and reports it
                }
                current.compute(name.value(), (key, known) -> changing.remove(name.value(), stamp) ? compiled : known);
            });
        } catch (RuntimeException refused) {
            changing.remove(name.value(), stamp);
        }
    }

    private Entry load(Path file, ScriptName name, FileStamp stamp, long maxSourceBytes) {
        if (stamp.size() > maxSourceBytes) {
            throw new ProblemException(ProblemType.SCRIPT_ERROR, "Script '" + name + "' is " + stamp.size()
                    + " bytes, above the limit of " + maxSourceBytes + " (mik.script.max-source-bytes).");
        }
        String source;
        try {
            source = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException gone) {
            throw notFound(name);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        try {
            long started = System.nanoTime();
            CompiledScript script = sandbox.compile(name.value(), source);
            LOG.info(() -> "Script " + name + " compiled in " + (System.nanoTime() - started) / 1_000_000 + " ms.");
            List<String> missing = script.hostCallTargets().stream().filter(moduleExists.negate()).toList();
            if (!missing.isEmpty()) {
                LOG.warning(() -> "Script " + name + " calls modules that are not in the handlers directory: "
                        + missing + " (a misspelling, or a module not deployed yet).");
            }
            return new Entry(stamp, script, null);
        } catch (ScriptCompileException e) {
            LOG.warning(() -> "Script " + name + " does not compile: " + e.getMessage());
            return new Entry(stamp, null, e);
        }
    }

    private static ProblemException notFound(ScriptName name) {
        return new ProblemException(ProblemType.SCRIPT_NOT_FOUND, "No script '" + name + "' in the scripts directory.");
    }
}

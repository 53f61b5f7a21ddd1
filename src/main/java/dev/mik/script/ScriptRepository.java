package dev.mik.script;

import dev.mik.files.FileStamp;
import dev.mik.files.FileVersions;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.logging.Level;
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

    /** A script that does not compile: remembered until its file changes, reported to each request. */
    private static final class Uncompilable extends RuntimeException {

        Uncompilable(ScriptCompileException error) {
            super(error.getMessage(), error, false, false);
        }

        ScriptCompileException error() {
            return (ScriptCompileException) getCause();
        }
    }

    private final ScriptSandbox sandbox;
    private final Executor compiler;
    private final Predicate<String> moduleExists;
    private final FileVersions<CompiledScript> versions = new FileVersions<>(".js", Uncompilable.class::isInstance);

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
        FileVersions.State<CompiledScript> state = versions.state(name.value());
        if (state == null) {
            return null;
        }
        if (state.failure() != null) {
            return new Status(false, state.failure().getMessage(), Collections.emptySortedSet());
        }
        return new Status(!state.loading(), null, state.loaded().hostCallTargets());
    }

    /** Whether script {@code name} is compiled and its current file version is the one that serves. */
    boolean isCompiled(ScriptName name) {
        FileVersions.State<CompiledScript> state = versions.state(name.value());
        return state != null && state.failure() == null && state.loaded() != null && !state.loading();
    }

    /**
     * @throws ProblemException {@link ProblemType#SCRIPT_NOT_FOUND}, or {@link ProblemType#SCRIPT_ERROR} when the
     *                          file does not compile (the detail names the line)
     */
    CompiledScript resolve(Path dir, ScriptName name, long maxSourceBytes) {
        CompiledScript script;
        try {
            script = versions.current(dir, name.value(),
                    (file, stamp, previous) -> load(file, name, stamp, previous, maxSourceBytes));
        } catch (Uncompilable failed) {
            throw new ProblemException(ProblemType.SCRIPT_ERROR, "Script '" + name + "' does not compile: "
                    + failed.getMessage(), null, Map.of("script", name.value(), "line", failed.error().getLine()));
        }
        if (script == null) {
            throw notFound(name);
        }
        return script;
    }

    /**
     * Forgets the scripts whose file is gone from {@code dir}, so a deleted script's compiled form does not wait for a
     * request of it to be released; run periodically, beside the handlers' sweep.
     */
    void sweep(Path dir) {
        try {
            for (String removed : versions.sweep(dir)) {
                LOG.info(() -> "Script " + removed + " was removed from disk.");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not check the scripts directory for removed scripts", e);
        }
    }

    /**
     * Compiles version {@code stamp} of script {@code name}: in the background while {@code previous} serves, when
     * there is a compiler and the file is within the size limit (over it, the request reports the limit at once).
     */
    private FileVersions.Load<CompiledScript> load(Path file, ScriptName name, FileStamp stamp,
                                                   CompiledScript previous, long maxSourceBytes) {
        if (previous == null || compiler == null || stamp.size() > maxSourceBytes) {
            return FileVersions.Load.done(compile(file, name, stamp, maxSourceBytes));
        }
        CompletableFuture<CompiledScript> compiled = new CompletableFuture<>();
        try {
            compiler.execute(() -> {
                try {
                    compiled.complete(compile(file, name, stamp, maxSourceBytes));
                } catch (RuntimeException | Error e) {
                    compiled.completeExceptionally(e); // unless it does not compile, the next request tries again
                }
            });
        } catch (RuntimeException refused) {
            compiled.completeExceptionally(refused);
        }
        return FileVersions.Load.inBackground(null, compiled);
    }

    private CompiledScript compile(Path file, ScriptName name, FileStamp stamp, long maxSourceBytes) {
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
            return script;
        } catch (ScriptCompileException e) {
            LOG.warning(() -> "Script " + name + " does not compile: " + e.getMessage());
            throw new Uncompilable(e);
        }
    }

    private static ProblemException notFound(ScriptName name) {
        return new ProblemException(ProblemType.SCRIPT_NOT_FOUND, "No script '" + name + "' in the scripts directory.");
    }
}

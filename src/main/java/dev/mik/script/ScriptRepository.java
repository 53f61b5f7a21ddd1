package dev.mik.script;

import dev.mik.files.FileStamp;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Maps script names to the compiled form of {@code <dir>/<name>.js}, compiling once per file version: one
 * {@code stat} per request notices an edit, and the next request runs the new version. A script that does not
 * compile is remembered as such until its file changes, so a broken file is not recompiled on every request.
 */
final class ScriptRepository {

    private static final Logger LOG = Logger.getLogger(ScriptRepository.class.getName());

    private record Entry(FileStamp stamp, CompiledScript script, ScriptCompileException error) {
    }

    private final ScriptSandbox sandbox;
    private final Map<String, Entry> current = new ConcurrentHashMap<>();

    ScriptRepository(ScriptSandbox sandbox) {
        this.sandbox = sandbox;
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
            throw notFound(name);
        }
        Entry entry = current.get(name.value());
        if (entry == null || !entry.stamp().equals(stamp)) {
            entry = current.compute(name.value(), (key, known) ->
                    known != null && known.stamp().equals(stamp) ? known : load(file, name, stamp, maxSourceBytes));
        }
        if (entry.error() != null) {
            throw new ProblemException(ProblemType.SCRIPT_ERROR, "Script '" + name + "' does not compile: "
                    + entry.error().getMessage(), null, Map.of("script", name.value(), "line", entry.error().getLine()));
        }
        return entry.script();
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

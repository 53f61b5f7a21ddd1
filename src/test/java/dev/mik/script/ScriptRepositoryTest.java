package dev.mik.script;

import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.sandbox.CompiledScript;
import dev.mik.sandbox.SandboxFixture;
import dev.mik.testing.DeferredExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScriptRepositoryTest {

    private static final long MAX_SOURCE = 1 << 20;
    private static final AtomicLong NEXT_MTIME = new AtomicLong(1_000_000);

    @RegisterExtension
    static final SandboxFixture FIXTURE = new SandboxFixture();

    @TempDir
    Path dir;

    private final DeferredExecutor compiler = new DeferredExecutor();
    private final ScriptRepository repository = new ScriptRepository(FIXTURE.sandbox, compiler, module -> true);

    /** Writes a new version of {@code name}, with a modification time of its own so each edit has its own stamp. */
    private void write(String name, String source) throws Exception {
        Path staging = dir.resolve("." + name + ".tmp");
        Files.writeString(staging, source);
        Files.setLastModifiedTime(staging, FileTime.fromMillis(NEXT_MTIME.getAndIncrement() * 1000));
        Files.move(staging, dir.resolve(name + ".js"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private CompiledScript resolve(String name) {
        return repository.resolve(dir, new ScriptName(name), MAX_SOURCE);
    }

    @Test
    void aDeletedScriptIsForgottenByTheSweepWithoutARequest() throws Exception {
        write("gone", "export default function (input) { return { ok: true }; }");
        write("kept", "export default function (input) { return { ok: true }; }");
        resolve("gone");
        resolve("kept");
        assertNotNull(repository.status(new ScriptName("gone")));
        Files.delete(dir.resolve("gone.js"));
        repository.sweep(dir);
        assertNull(repository.status(new ScriptName("gone")), "its compiled form is released");
        assertTrue(repository.isCompiled(new ScriptName("kept")), "a script whose file is there stays");
    }

    @Test
    void anEditedScriptServesItsPreviousVersionUntilTheEditCompiles() throws Exception {
        ScriptName edited = new ScriptName("edited");
        write("edited", "export default function (input) { return { version: 1 }; }");
        CompiledScript first = resolve("edited");
        assertEquals(0, compiler.runAll(), "a script never compiled before compiles on its request");
        write("edited", "export default function (input) { return { version: 2 }; }");
        assertSame(first, resolve("edited"), "the previous version serves");
        assertSame(first, resolve("edited"), "and the edit is not compiled twice");
        assertFalse(repository.isCompiled(edited));
        assertEquals(1, compiler.runAll());
        assertNotSame(first, resolve("edited"));
        assertTrue(repository.isCompiled(edited));
    }

    @Test
    void aScriptThatDoesNotCompileIsReportedWithItsLineUntilItsFileChanges() throws Exception {
        ScriptName broken = new ScriptName("broken");
        write("broken", "export default function (input) { return { version: 1 }; }");
        CompiledScript first = resolve("broken");
        write("broken", "export default function (input) {\n  return {; }");
        assertSame(first, resolve("broken"), "the previous version serves while the edit compiles");
        assertEquals(1, compiler.runAll());
        ProblemException refused = assertThrows(ProblemException.class, () -> resolve("broken"));
        assertEquals(ProblemType.SCRIPT_ERROR, refused.type());
        assertEquals(2, refused.extensions().get("line"), refused.getMessage());
        assertTrue(refused.getMessage().startsWith("Script 'broken' does not compile: "), refused.getMessage());
        assertThrows(ProblemException.class, () -> resolve("broken"));
        assertEquals(0, compiler.runAll(), "remembered, not compiled again");
        ScriptRepository.Status status = repository.status(broken);
        assertFalse(status.compiled());
        assertTrue(refused.getMessage().endsWith(status.compileError()), status.compileError());
        assertEquals(Set.of(), status.hostCallTargets());

        write("broken", "export default function (input) { return { version: 3 }; }");
        assertNotNull(resolve("broken"), "after a failure, nothing older serves: the fix compiles on its request");
        assertEquals(0, compiler.runAll());
        assertTrue(repository.isCompiled(broken));
    }
}

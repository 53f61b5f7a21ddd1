package dev.mik.run;

import dev.mik.memory.MemoryPool;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ModuleCatalogTest {

    private static final long MAX_BYTES = 50L << 20;
    private static final long MEMORY_MAX = 64L << 20;

    @TempDir
    Path dir;

    private final ModuleCatalog catalog = new ModuleCatalog(HandlerFixtures.memory(new MemoryPool(1L << 30)));

    @Test
    void aDeletedModuleIsReleasedByTheSweepWithoutARequest() throws Exception {
        Files.copy(Path.of("handlers/hello.wasm"), dir.resolve("hello.wasm"));
        Files.copy(Path.of("handlers/echo.wasm"), dir.resolve("echo.wasm"));
        catalog.resolve(dir, new ModuleName("hello"), MAX_BYTES, MEMORY_MAX);
        catalog.resolve(dir, new ModuleName("echo"), MAX_BYTES, MEMORY_MAX);
        assertEquals(2, catalog.size());
        Files.delete(dir.resolve("hello.wasm"));
        assertEquals(List.of("hello"), catalog.sweep(dir));
        assertEquals(1, catalog.size());
        assertEquals(List.of(), catalog.sweep(dir));
    }

    @Test
    void anUnchangedFileIsNotLoadedAgain() throws Exception {
        Files.copy(Path.of("handlers/hello.wasm"), dir.resolve("hello.wasm"));
        ModuleVersion first = catalog.resolve(dir, new ModuleName("hello"), MAX_BYTES, MEMORY_MAX);
        assertSame(first, catalog.resolve(dir, new ModuleName("hello"), MAX_BYTES, MEMORY_MAX));
    }

    @Test
    void aFileThatFailedToLoadIsRememberedUntilItChanges() throws Exception {
        Path file = dir.resolve("broken.wasm");
        Files.writeString(file, "not a module");
        ProblemException first = assertThrows(ProblemException.class,
                () -> catalog.resolve(dir, new ModuleName("broken"), MAX_BYTES, MEMORY_MAX));
        assertEquals(ProblemType.MODULE_INVALID, first.type());
        assertSame(first, assertThrows(ProblemException.class,
                () -> catalog.resolve(dir, new ModuleName("broken"), MAX_BYTES, MEMORY_MAX)), "not re-read while unchanged");
        Files.delete(file);
        Files.copy(Path.of("handlers/hello.wasm"), file);
        assertEquals("broken", catalog.resolve(dir, new ModuleName("broken"), MAX_BYTES, MEMORY_MAX).name().value());
    }
}

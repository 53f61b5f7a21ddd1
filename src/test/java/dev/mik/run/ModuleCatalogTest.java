package dev.mik.run;

import dev.mik.memory.MemoryPool;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.testing.DeferredExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModuleCatalogTest {

    private static final long MAX_BYTES = 50L << 20;
    private static final long MEMORY_MAX = 64L << 20;

    @TempDir
    Path dir;

    private final HandlerMemory memory = HandlerFixtures.memory(new MemoryPool(1L << 30));
    private final ModuleCatalog catalog = new ModuleCatalog(memory, HandlerFixtures.probe(memory));

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
                () -> catalog.resolve(dir, new ModuleName("broken"), MAX_BYTES, MEMORY_MAX)),
                "not re-read while unchanged");
        Files.delete(file);
        Files.copy(Path.of("handlers/hello.wasm"), file);
        assertEquals("broken", catalog.resolve(dir, new ModuleName("broken"), MAX_BYTES, MEMORY_MAX).name().value());
    }

    private final DeferredExecutor compiler = new DeferredExecutor();
    private final List<ModuleVersion> compiledVersions = new ArrayList<>();
    private final HandlerMemory backgroundMemory = HandlerFixtures.memory(new MemoryPool(1L << 30));
    private final ModuleCatalog background = new ModuleCatalog(backgroundMemory, compiler, () -> 60_000,
            compiledVersions::add, null, HandlerFixtures.probe(backgroundMemory));

    private static void install(Path source, Path target) throws Exception {
        Path staging = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.copy(source, staging, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staging, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private String body(ModuleVersion version) {
        return new String(HandlerFixtures.runner().run(version, HandlerFixtures.get(version.name().value(), ""),
                20_000, MEMORY_MAX, 1 << 20).body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aNewModuleRunsOnTheInterpreterUntilItsCompilationIsDone() throws Exception {
        install(Path.of("handlers/hello.wasm"), dir.resolve("hello.wasm"));
        ModuleName hello = new ModuleName("hello");
        ModuleVersion first = background.resolve(dir, hello, MAX_BYTES, MEMORY_MAX);
        assertFalse(first.compiled().compiled(), "no request waits for the compiler");
        assertFalse(background.isCompiled(hello));
        assertTrue(body(first).startsWith("Hello from mik"), "the interpreter runs it meanwhile");
        assertEquals(1, compiler.runAll(), "one compilation, however many requests came meanwhile");
        ModuleVersion compiled = background.resolve(dir, hello, MAX_BYTES, MEMORY_MAX);
        assertTrue(compiled.compiled().compiled());
        assertTrue(background.isCompiled(hello));
        assertEquals(List.of(compiled), compiledVersions, "told, so it can prepare instances");
        assertTrue(body(compiled).startsWith("Hello from mik"));
    }

    @Test
    void aChangedModuleKeepsServingItsPreviousVersionUntilTheNewOneIsCompiled() throws Exception {
        Path file = dir.resolve("swap.wasm");
        ModuleName swap = new ModuleName("swap");
        install(Path.of("handlers/hello.wasm"), file);
        background.resolve(dir, swap, MAX_BYTES, MEMORY_MAX);
        compiler.runAll();
        ModuleVersion previous = background.resolve(dir, swap, MAX_BYTES, MEMORY_MAX);
        install(Path.of("src/test/wasm/hello2.wasm"), file);
        assertSame(previous, background.resolve(dir, swap, MAX_BYTES, MEMORY_MAX), "the previous version serves");
        assertSame(previous, background.resolve(dir, swap, MAX_BYTES, MEMORY_MAX), "and is not re-read meanwhile");
        assertFalse(background.isCompiled(swap));
        assertEquals(1, compiler.runAll());
        ModuleVersion next = background.resolve(dir, swap, MAX_BYTES, MEMORY_MAX);
        assertTrue(next.compiled().compiled());
        assertTrue(body(next).startsWith("Hello again"), "the new version after its compilation");
    }

    @Test
    void aCompilationOverItsTimeIsRefusedNamingTheLimitAndRememberedUntilTheFileChanges() throws Exception {
        HandlerMemory slowMemory = HandlerFixtures.memory(new MemoryPool(1L << 30));
        ModuleCatalog slow = new ModuleCatalog(slowMemory, compiler, () -> 50, version -> { }, null,
                HandlerFixtures.probe(slowMemory));
        install(Path.of("handlers/hello.wasm"), dir.resolve("hello.wasm"));
        ModuleName hello = new ModuleName("hello");
        assertFalse(slow.resolve(dir, hello, MAX_BYTES, MEMORY_MAX).compiled().compiled());
        Thread.sleep(300); // the compiler never got to it in time
        ProblemException refused = assertThrows(ProblemException.class,
                () -> slow.resolve(dir, hello, MAX_BYTES, MEMORY_MAX));
        assertEquals(ProblemType.MODULE_INVALID, refused.type());
        assertTrue(refused.getMessage().contains("mik.module.compile-timeout-ms"), refused.getMessage());
        assertEquals(1, compiler.runAll());
        assertSame(refused, assertThrows(ProblemException.class, () -> slow.resolve(dir, hello, MAX_BYTES, MEMORY_MAX)),
                "remembered, not compiled again");
        install(Path.of("src/test/wasm/hello2.wasm"), dir.resolve("hello.wasm"));
        assertFalse(slow.resolve(dir, hello, MAX_BYTES, MEMORY_MAX).compiled().compiled(), "a new file, a new try");
    }

    @Test
    void copiesOfOneModuleShareOneCompilation() throws Exception {
        install(Path.of("handlers/hello.wasm"), dir.resolve("a.wasm"));
        install(Path.of("handlers/hello.wasm"), dir.resolve("b.wasm"));
        background.resolve(dir, new ModuleName("a"), MAX_BYTES, MEMORY_MAX);
        background.resolve(dir, new ModuleName("b"), MAX_BYTES, MEMORY_MAX);
        assertEquals(1, compiler.runAll());
        assertTrue(background.isCompiled(new ModuleName("a")) && background.isCompiled(new ModuleName("b")));
    }

    /** Several compilations at once, never more than the bound, every one run, none lost. */
    @Test
    void aBoundedExecutorRunsEveryTaskAndNeverMoreThanItsBoundAtOnce() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            BoundedExecutor bounded = new BoundedExecutor(threads, 3);
            AtomicInteger running = new AtomicInteger();
            AtomicInteger peak = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(200);
            for (int i = 0; i < 200; i++) {
                bounded.execute(() -> {
                    peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    done.countDown();
                });
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), "every task ran");
            assertEquals(3, peak.get(), "in parallel, up to the bound");
        } finally {
            threads.shutdownNow();
        }
    }
}

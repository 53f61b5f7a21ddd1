package dev.mik.wasm;

import dev.mik.memory.MemoryPool;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every instance imports the same forwarding WASI functions; each run must still see only its own stdin, environment
 * and arguments, whatever order instances are made and run in and however many threads run the same module.
 */
class WasiBindingTest {

    private static final long CAP = 64L << 20;
    private static final CompiledModule ECHO = echo();
    private final MemoryPool pool = new MemoryPool(1L << 30);

    @Test
    void interleavedRunsOfOneModuleOnOneThreadSeeOnlyTheirOwnStdinAndEnvironment() {
        PreparedInstance first = prepare();
        PreparedInstance second = prepare();
        PreparedInstance third = prepare();
        String secondOut = run(second, "second");
        String firstOut = run(first, "first");
        String thirdOut = run(third, "third");
        assertOwn("second", secondOut, "first", "third");
        assertOwn("first", firstOut, "second", "third");
        assertOwn("third", thirdOut, "first", "second");
    }

    /** Two threads each run the module 300 times with their own inputs, started together: no output crosses. */
    @Test
    void concurrentRunsOfOneModuleSeeOnlyTheirOwnStdinAndEnvironment() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (String thread : List.of("left", "right")) {
                String other = thread.equals("left") ? "right" : "left";
                done.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < 300; i++) {
                        assertOwn(thread + i, run(prepare(), thread + i), other + i);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private PreparedInstance prepare() {
        return PreparedInstance.prepare(ECHO, CAP, pool.tryReserve(PreparedInstance.initialBytes(ECHO, CAP)));
    }

    private static String run(PreparedInstance instance, String id) {
        try {
            CommandInput input = new CommandInput(
                    Map.of("REQUEST_METHOD", "POST", "HTTP_X_RUN", id, "PATH_INFO", "/" + id),
                    List.of("/run/echo/" + id), ("body-" + id).getBytes(StandardCharsets.UTF_8));
            return new String(instance.run(input, "_start", 1 << 20).stdout(), StandardCharsets.UTF_8);
        } finally {
            instance.release();
        }
    }

    private static void assertOwn(String id, String output, String... others) {
        assertTrue(output.contains("\"x-run\":\"" + id + "\""), output);
        assertTrue(output.contains("\"body\":\"body-" + id + "\""), output);
        assertTrue(output.contains("\"path\":\"/" + id + "\""), output);
        for (String other : others) {
            assertFalse(output.contains(other + "\""), () -> "run " + id + " saw " + other + ": " + output);
        }
    }

    private static CompiledModule echo() {
        try {
            return ModuleCompiler.compile(Files.readAllBytes(Path.of("handlers/echo.wasm")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

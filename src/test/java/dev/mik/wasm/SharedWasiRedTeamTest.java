package dev.mik.wasm;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import dev.mik.memory.MemoryPool;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fourth red team (2026-12-01), against the WASI forwarding functions every instance shares (PreparedInstance binds
 * the run's context to its thread): a run that ends any way — returning, trapping, proc_exit, interrupted at its
 * deadline — leaves nothing bound on its thread, and the next run on that thread, or an instantiation's start section
 * there, sees only its own environment (src/test/wasm/wasibind.wat dumps the environment before ending its way).
 * Held.
 */
class SharedWasiRedTeamTest {

    private static final long CAP = 64L << 20;
    private static final CompiledModule BIND = compile("wasibind");
    private static final CompiledModule START = compile("wasibindstart");
    private final MemoryPool pool = new MemoryPool(1L << 30);

    @Test
    void everyWayARunEndsLeavesNothingBoundForTheNextRunOnItsThread() throws Exception {
        for (String ending : List.of("trap", "exit", "_start")) {
            PreparedInstance first = prepare(BIND);
            String out;
            try {
                out = first.run(input("secret-" + ending), ending, 1 << 20).stdout().length > 0
                        ? "ran" : "no output";
            } catch (HandlerFailureException failed) {
                out = failed.getClass().getSimpleName();
            } finally {
                first.release();
            }
            assertNull(bound(), ending + " left a run bound (" + out + ")");
            String next = run(prepare(BIND), "next-" + ending);
            assertTrue(next.contains("X_RUN=next-" + ending), next);
            assertFalse(next.contains("secret"), next);
        }
    }

    /** A run interrupted at its deadline (as the run's watchdog does) unbinds; the thread's next run is its own. */
    @Test
    void anInterruptedRunLeavesNothingBound() throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            Thread runner = one.submit(Thread::currentThread).get();
            PreparedInstance spinning = prepare(BIND);
            Future<String> interrupted = one.submit(() -> {
                try {
                    spinning.run(input("secret-spin"), "spin", 1 << 20);
                    return "returned";
                } catch (ChicoryInterruptedException e) {
                    Thread.interrupted();
                    return "interrupted, bound after: " + bound();
                } finally {
                    spinning.release();
                }
            });
            Thread.sleep(300);
            runner.interrupt();
            assertEquals("interrupted, bound after: null", interrupted.get(10, TimeUnit.SECONDS));
            String next = one.submit(() -> run(prepare(BIND), "after-spin")).get(10, TimeUnit.SECONDS);
            assertTrue(next.contains("X_RUN=after-spin") && !next.contains("secret"), next);
        } finally {
            one.shutdownNow();
        }
    }

    /** A start section runs while the instance is made, outside any run: its WASI call is refused, never served. */
    @Test
    void aStartSectionAfterARunOnTheSameThreadGetsNoContext() {
        run(prepare(BIND), "before-start");
        long initial = PreparedInstance.initialBytes(START, CAP);
        MemoryPool.Reservation reservation = pool.tryReserve(initial);
        RuntimeException refused = assertThrows(RuntimeException.class,
                () -> PreparedInstance.prepare(START, CAP, reservation));
        reservation.close();
        assertTrue(String.valueOf(refused.getMessage()).contains("outside its instance's run"), refused.toString());
        assertNull(bound());
    }

    private PreparedInstance prepare(CompiledModule module) {
        return PreparedInstance.prepare(module, CAP, pool.tryReserve(PreparedInstance.initialBytes(module, CAP)));
    }

    private static CommandInput input(String id) {
        return new CommandInput(Map.of("X_RUN", id), List.of("/run/wasibind"), new byte[0]);
    }

    private static String run(PreparedInstance instance, String id) {
        try {
            return new String(instance.run(input(id), "_start", 1 << 20).stdout(), StandardCharsets.UTF_8);
        } finally {
            instance.release();
        }
    }

    private static Object bound() {
        try {
            Field field = WasiRun.class.getDeclaredField("CURRENT");
            field.setAccessible(true);
            return ((ThreadLocal<?>) field.get(null)).get();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CompiledModule compile(String fixture) {
        try {
            return ModuleCompiler.compile(Files.readAllBytes(Path.of("src/test/wasm/" + fixture + ".wasm")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package dev.mik.sandbox;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import static dev.mik.sandbox.GuardTesting.guard;
import static dev.mik.sandbox.GuardTesting.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The watchdog keeps polling whatever happens to it: an Error of any kind in a poll, its periodic task ended, its
 * scheduler shut down, its scheduler's only thread stuck. After each failure a run that only the watchdog can stop
 * (a guard that is never called, with a short deadline) is still stopped on time.
 */
class WatchdogSurvivalTest {

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    private ScheduledExecutorService scheduler;
    private boolean parentHandlers;

    @BeforeEach
    void quietLog() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        Logger log = Logger.getLogger(GuardWatchdog.class.getName());
        parentHandlers = log.getUseParentHandlers();
        log.setUseParentHandlers(false);
    }

    @AfterEach
    void restoreLog() {
        scheduler.shutdownNow();
        Logger.getLogger(GuardWatchdog.class.getName()).setUseParentHandlers(parentHandlers);
    }

    @Test
    void errorsOfEveryKindInAPollDoNotStopThePolling() throws Exception {
        List<Throwable> failures = List.of(new OutOfMemoryError("simulated"), new StackOverflowError(),
                new LinkageError("simulated"), new IllegalStateException("simulated"), new AssertionError("x"));
        AtomicLong polls = new AtomicLong();
        try (GuardWatchdog watchdog = new GuardWatchdog(scheduler, guard -> {
            long n = polls.incrementAndGet();
            if (n <= failures.size() * 3L) {
                sneakyThrow(failures.get((int) (n % failures.size())));
            }
            guard.poll();
        })) {
            RunGuard failing = guard(60_000);
            watchdog.watch(failing);
            assertTrue(waitFor(() -> polls.get() > failures.size() * 3L), "polled again after every failure");
            watchdog.forget(failing);
            assertStopsOnTime(watchdog);
        }
    }

    @Test
    void aPeriodicTaskThatEndedIsReplacedWhenTheNextRunStarts() throws Exception {
        try (GuardWatchdog watchdog = new GuardWatchdog(scheduler)) {
            scheduler.shutdownNow();   // every task on it ends; it accepts no new one
            assertTrue(waitFor(() -> !watchdog.polling()), "the poller is gone");
            assertStopsOnTime(watchdog);
            assertEquals(1, watchdog.restarts());
        }
    }

    @Test
    void aStuckSchedulerThreadIsReplacedByTheWatchdogsOwnThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (GuardWatchdog watchdog = new GuardWatchdog(scheduler)) {
            scheduler.execute(() -> {
                try {
                    release.await();   // another application's task holds the only thread
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(waitFor(() -> !watchdog.polling()), "the stuck poller is noticed");
            assertStopsOnTime(watchdog);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aHealthyPollerIsLeftAlone() throws Exception {
        try (GuardWatchdog watchdog = new GuardWatchdog(scheduler)) {
            for (int i = 0; i < 3; i++) {
                assertStopsOnTime(watchdog);
            }
            assertEquals(0, watchdog.restarts());
        }
    }

    @Test
    void theHeaviestAllocatingRunsAreTrippedFirst() throws Exception {
        try (GuardWatchdog watchdog = new GuardWatchdog(scheduler, guard -> { })) {
            RunGuard light = guard(60_000);
            watchdog.watch(light);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            RunGuard[] heavy = new RunGuard[1];
            Thread worker = new Thread(() -> {
                heavy[0] = guard(60_000);
                byte[][] hold = new byte[64][];
                for (int i = 0; i < hold.length; i++) {
                    hold[i] = new byte[1 << 20];
                }
                watchdog.watch(heavy[0]);
                started.countDown();
                try {
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                assertTrue(hold[63].length > 0);
            });
            worker.start();
            started.await();
            assertEquals(1, watchdog.tripHeaviest(1, AbortReason.MEMORY));
            assertEquals(AbortReason.MEMORY, heavy[0].tripped());
            assertNull(light.tripped());
            done.countDown();
            worker.join();
        }
    }

    /**
     * Straight-line calls that each make a large string: the pool is asked for what each call may allocate before it
     * runs, so the run stops before the call that would not fit rather than after it allocated.
     */
    @Test
    void aLargeBuiltinCallThePoolCannotCoverStopsBeforeItAllocates() throws Exception {
        long pool = 24L << 20;
        AtomicLong asked = new AtomicLong();
        AllocationAccount account = bytes -> {
            asked.accumulateAndGet(bytes, Math::max);
            return bytes <= pool;
        };
        CompiledScript script = fixture.compile("export default function (input) {\n"
                + "  var u = 'X'.repeat(4000000);\n"
                + "  var a = u.toLowerCase(), b = u.toLowerCase(), c = u.toLowerCase(), d = u.toLowerCase();\n"
                + "  return a.length + b.length + c.length + d.length;\n}");
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        ScriptAbortedException aborted = assertThrows(ScriptAbortedException.class, () -> fixture.sandbox.run(script,
                "{}", SandboxFixture.REQUEST, fixture.host, fixture.console,
                new ScriptLimits(10_000, 1L << 30, 10), account));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(AbortReason.MEMORY, aborted.getReason());
        assertTrue(allocated < pool, "the run allocated " + allocated + " bytes, the pool covers " + pool);
        assertTrue(asked.get() > pool, "asked " + asked.get());
        AllocationAccount roomy = bytes -> true;
        assertTrue(fixture.sandbox.run(script, "{}", SandboxFixture.REQUEST, fixture.host, fixture.console,
                new ScriptLimits(10_000, 1L << 30, 10), roomy).json().contains("16000000"), "with room it runs");
    }

    @Test
    void aRunWhoseAllocationThePoolCannotCoverStopsWithinOneStep() throws Exception {
        long pool = 16L << 20;
        AtomicLong asked = new AtomicLong();
        AllocationAccount account = bytes -> {
            asked.accumulateAndGet(bytes, Math::max);
            return bytes <= pool;
        };
        CompiledScript script = fixture.compile("export default function (input) {\n"
                + "  var keep = []; for (;;) { keep.push('x'.repeat(1 << 16) + keep.length); }\n}");
        ScriptAbortedException aborted = assertThrows(ScriptAbortedException.class, () -> fixture.sandbox.run(script,
                "{}", SandboxFixture.REQUEST, fixture.host, fixture.console,
                new ScriptLimits(10_000, 1L << 30, 10), account));
        assertEquals(AbortReason.MEMORY, aborted.getReason());
        assertTrue(asked.get() > pool && asked.get() <= pool + 2 * RunGuard.MEMORY_STEP, "asked " + asked.get());
    }

    /** A guard that is never called, with a 50 ms deadline: only the watchdog can trip it. */
    private static void assertStopsOnTime(GuardWatchdog watchdog) throws InterruptedException {
        RunGuard late = guard(50);
        long started = System.nanoTime();
        watchdog.watch(late);
        assertTrue(waitFor(() -> late.tripped() != null), "a run started after the failure is still watched");
        assertEquals(AbortReason.TIMEOUT, late.tripped());
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMs < 50 + 500, "stopped " + tookMs + " ms after it started");
        watchdog.forget(late);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable throwable) throws T {
        throw (T) throwable;
    }
}

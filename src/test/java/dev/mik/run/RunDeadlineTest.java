package dev.mik.run;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs now happen on the request's own thread, which goes on to answer and to serve the next request: an interrupt
 * from a deadline must never outlive the run it was for.
 */
class RunDeadlineTest {

    private static final long SEED = 1130L;
    private static final int THREADS = 4;
    private static final int RUNS_PER_THREAD = 10_000;

    /**
     * A seeded storm of runs whose deadlines fall before, during and after their work, polled without pause by a
     * racing poller: after every {@code end()} the thread is not interrupted, and stays so (no late interrupt), and
     * {@code end()} says "timed out" exactly when the poller interrupted that run.
     */
    @Test
    void noInterruptOutlivesItsRunWhateverThePollersTiming() throws Exception {
        Set<RunDeadline> running = ConcurrentHashMap.newKeySet();
        AtomicBoolean polling = new AtomicBoolean(true);
        Thread poller = new Thread(() -> {
            while (polling.get()) {
                long now = System.nanoTime();
                running.forEach(deadline -> deadline.poll(now));
            }
        });
        poller.start();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        AtomicLong timedOut = new AtomicLong();
        try {
            List<Future<?>> storms = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Random random = new Random(SEED + t);
                storms.add(threads.submit(() -> {
                    for (int run = 0; run < RUNS_PER_THREAD; run++) {
                        RunDeadline deadline = new RunDeadline(random.nextInt(3) == 0 ? 0 : random.nextInt(2));
                        running.add(deadline);
                        boolean interruptedDuringWork = work(random.nextInt(20_000));
                        running.remove(deadline);
                        boolean ended = deadline.end();
                        assertFalse(Thread.currentThread().isInterrupted(), "run " + run + " left an interrupt");
                        if (interruptedDuringWork) {
                            assertTrue(ended, "an interrupt seen during the run came from its deadline");
                        }
                        work(200);
                        assertFalse(Thread.currentThread().isInterrupted(), "run " + run + " got a late interrupt");
                        if (ended) {
                            timedOut.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> storm : storms) {
                storm.get(120, TimeUnit.SECONDS);
            }
        } finally {
            polling.set(false);
            poller.join();
            threads.shutdownNow();
        }
        long runs = (long) THREADS * RUNS_PER_THREAD;
        assertTrue(timedOut.get() > 0 && timedOut.get() < runs, "the storm has both endings: " + timedOut + " of "
                + runs + " timed out");
    }

    @Test
    void aDeadlineThatHasNotPassedNeverInterrupts() {
        RunDeadline deadline = new RunDeadline(60_000);
        deadline.poll(System.nanoTime());
        assertFalse(Thread.currentThread().isInterrupted());
        assertFalse(deadline.end());
    }

    @Test
    void anEndedRunIsNotInterruptedByALatePoll() {
        RunDeadline deadline = new RunDeadline(0);
        assertFalse(deadline.end());
        deadline.poll(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
        assertFalse(Thread.interrupted());
    }

    @Test
    void aPassedDeadlineInterruptsItsThreadAndEndClearsIt() {
        RunDeadline deadline = new RunDeadline(0);
        deadline.poll(System.nanoTime() + 1);
        assertTrue(Thread.currentThread().isInterrupted());
        assertTrue(deadline.end());
        assertFalse(Thread.currentThread().isInterrupted());
        assertEquals(true, deadline.end(), "asking again gives the same answer");
    }

    /** Spins {@code steps} times; true when the thread was interrupted meanwhile (the flag is left as it is). */
    private static boolean work(int steps) {
        boolean seen = false;
        for (int i = 0; i < steps; i++) {
            seen |= Thread.currentThread().isInterrupted();
            Thread.onSpinWait();
        }
        return seen;
    }
}

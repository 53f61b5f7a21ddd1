package dev.mik.lifecycle;

import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunAdmissionTest {

    private static final long SEED = 20261130L;

    @Test
    void aDrainingServerRefusesWithDrainingAndRetryAfter() throws InterruptedException {
        RunAdmission admission = new RunAdmission();
        assertEquals(0, admission.drain(0));
        ProblemException refused = assertThrows(ProblemException.class, () -> admission.admit("Module 'hello'"));
        assertEquals(ProblemType.DRAINING, refused.type());
        assertEquals(503, refused.type().status());
        assertEquals(RunAdmission.RETRY_AFTER_SECONDS, refused.retryAfterSeconds());
        assertEquals(0, admission.inFlight());
    }

    @Test
    void aDrainGivesUpAfterItsMaximumAndSaysHowManyAreLeft() throws InterruptedException {
        RunAdmission admission = new RunAdmission();
        RunAdmission.Ticket stuck = admission.admit("Script 'spin'");
        long started = System.nanoTime();
        assertEquals(1, admission.drain(200));
        assertTrue(System.nanoTime() - started >= 200_000_000L);
        stuck.close();
        assertEquals(0, admission.drain(0));
    }

    /**
     * Seeded storms: clients admit runs of random lengths while a drain starts at a random moment. Whatever the
     * interleaving, the drain returns only when no admitted run is still running, every request after the drain began
     * is refused, and a request is either admitted and finished or refused, never lost.
     */
    @Test
    void aDrainReturnsOnlyAfterEveryAdmittedRunHasFinished() throws Exception {
        Random seeds = new Random(SEED);
        for (int round = 0; round < 40; round++) {
            long seed = seeds.nextLong();
            RunAdmission admission = new RunAdmission();
            AtomicInteger running = new AtomicInteger();
            AtomicInteger admitted = new AtomicInteger();
            AtomicInteger finished = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            AtomicInteger admittedAfterDrain = new AtomicInteger();
            AtomicBoolean drainReturned = new AtomicBoolean();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                Random random = new Random(seed + c);
                Thread client = new Thread(() -> {
                    awaitQuietly(start);
                    for (int i = 0; i < 200; i++) {
                        try (RunAdmission.Ticket ticket = admission.admit("run")) {
                            if (drainReturned.get()) {
                                admittedAfterDrain.incrementAndGet();
                            }
                            admitted.incrementAndGet();
                            running.incrementAndGet();
                            LockSupport.parkNanos(random.nextInt(200_000));
                            running.decrementAndGet();
                            finished.incrementAndGet();
                        } catch (ProblemException e) {
                            refused.incrementAndGet();
                        }
                    }
                });
                clients.add(client);
                client.start();
            }
            start.countDown();
            LockSupport.parkNanos(new Random(seed).nextInt(20_000_000));
            int left = admission.drain(10_000);
            int runningAtReturn = running.get();
            drainReturned.set(true);
            for (Thread client : clients) {
                client.join();
            }
            assertEquals(0, left, "seed " + seed);
            assertEquals(0, runningAtReturn, "seed " + seed + ": a run was still running when the drain returned");
            assertEquals(0, admittedAfterDrain.get(), "seed " + seed);
            assertEquals(admitted.get(), finished.get());
            assertEquals(6 * 200, admitted.get() + refused.get(), "seed " + seed);
            assertFalse(admitted.get() == 0 && refused.get() == 0);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

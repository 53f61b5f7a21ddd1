package dev.mik.memory;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryPoolTest {

    @Test
    void refusesWhatDoesNotFitAndTakesNothingForIt() {
        MemoryPool pool = new MemoryPool(100);
        MemoryPool.Reservation first = pool.tryReserve(60);
        assertNotNull(first);
        assertNull(pool.tryReserve(41));
        assertEquals(60, pool.reserved());
        assertFalse(first.grow(41));
        assertEquals(60, first.held());
        assertTrue(first.grow(40));
        assertEquals(100, pool.reserved());
        assertEquals(2, pool.refusals());
    }

    @Test
    void closingGivesEverythingBackOnce() {
        MemoryPool pool = new MemoryPool(100);
        MemoryPool.Reservation reservation = pool.tryReserve(30);
        reservation.grow(50);
        reservation.close();
        reservation.close();
        assertEquals(0, pool.reserved());
        assertFalse(reservation.grow(1), "a closed reservation takes nothing");
        assertEquals(0, pool.reserved());
    }

    @Test
    void resizeFollowsUseBothWays() {
        MemoryPool pool = new MemoryPool(100);
        MemoryPool.Reservation reservation = pool.tryReserve(10);
        assertTrue(reservation.resize(70));
        assertEquals(70, pool.reserved());
        assertTrue(reservation.resize(20));
        assertEquals(20, pool.reserved());
        assertFalse(reservation.resize(101));
        assertEquals(20, reservation.held());
    }

    @Test
    void aWaitingReservationGetsWhatAnotherRunGivesBack() throws Exception {
        MemoryPool pool = new MemoryPool(100);
        MemoryPool.Reservation holder = pool.tryReserve(100);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<MemoryPool.Reservation> waiter = executor.submit(() -> pool.reserve(50, 10_000));
            Thread.sleep(50);
            assertFalse(waiter.isDone(), "it waits while the pool is full");
            holder.close();
            MemoryPool.Reservation got = waiter.get(10, TimeUnit.SECONDS);
            assertNotNull(got);
            assertEquals(50, pool.reserved());
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aWaitIsBoundedAndALargerThanPoolRequestDoesNotWait() throws Exception {
        MemoryPool pool = new MemoryPool(100);
        pool.tryReserve(100);
        long started = System.nanoTime();
        assertNull(pool.reserve(1, 50));
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(45));
        started = System.nanoTime();
        assertNull(pool.reserve(101, 10_000));
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void capacityIsAShareOfTheHeap() {
        assertEquals(500, MemoryPool.capacityFor(1000, 50));
        assertEquals(40, MemoryPool.capacityFor(100, 40));
        assertEquals(1, MemoryPool.capacityFor(10, 1));
    }

    /**
     * 10 000 runs on 8 threads, each reserving, growing at random and then ending by close, by an exception or by
     * a refused growth: the pool never hands out more than it has and ends with nothing reserved. Every 125 runs the
     * threads meet while each holds a third of the pool, so refusals happen however the threads are scheduled.
     */
    @Test
    void aStormOfRunsLeaksNothingAndNeverOvercommits() throws Exception {
        long capacity = 1_000_000;
        MemoryPool pool = new MemoryPool(capacity);
        AtomicLong peak = new AtomicLong();
        int threads = 8;
        int runsPerThread = 1_250;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        java.util.concurrent.CyclicBarrier meeting = new java.util.concurrent.CyclicBarrier(threads);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Random random = new Random(42 + t);
            futures.add(executor.submit(() -> {
                start.await();
                int completed = 0;
                for (int run = 0; run < runsPerThread; run++) {
                    if (run % 125 == 0) {
                        try (MemoryPool.Reservation third = pool.tryReserve(capacity / 3)) {
                            meeting.await(30, TimeUnit.SECONDS);
                            peak.accumulateAndGet(pool.reserved(), Math::max);
                            meeting.await(30, TimeUnit.SECONDS);
                            assertTrue(third == null || third.held() == capacity / 3);
                        }
                    }
                    try (MemoryPool.Reservation reservation = pool.reserve(random.nextInt(50_000), 5)) {
                        if (reservation == null) {
                            completed++;
                            continue;
                        }
                        for (int step = 0; step < 5; step++) {
                            if (!reservation.grow(random.nextInt(100_000))) {
                                break;
                            }
                            peak.accumulateAndGet(pool.reserved(), Math::max);
                            if (random.nextInt(20) == 0) {
                                throw new IllegalStateException("the run failed");
                            }
                        }
                    } catch (IllegalStateException expected) {
                        // an exception path must give the bytes back as well
                    }
                    completed++;
                }
                return completed;
            }));
        }
        start.countDown();
        int total = 0;
        for (Future<Integer> future : futures) {
            total += future.get(60, TimeUnit.SECONDS);
        }
        executor.shutdownNow();
        assertEquals(threads * runsPerThread, total);
        assertEquals(0, pool.reserved(), "every byte came back");
        assertTrue(peak.get() <= capacity, "never more than the capacity out: " + peak.get());
        assertTrue(pool.refusals() > 0, "the storm was big enough to be refused sometimes");
    }

    /** Memory kept for later (as freed pages are): given up on demand, never counted as a run's. */
    private static final class Keeper {
        private final MemoryPool.Reservation held;
        private final long most;

        Keeper(MemoryPool pool, long most) {
            this.held = pool.reclaimWith(this::reclaim);
            this.most = most;
        }

        synchronized void keep(long bytes) {
            if (held.held() + bytes <= most) {
                held.grow(bytes);
            }
        }

        synchronized long reclaim(long bytes) {
            long freed = Math.min(bytes, held.held());
            held.resize(held.held() - freed);
            return freed;
        }
    }

    @Test
    void keptMemoryIsGivenUpBeforeAnyoneIsRefused() {
        MemoryPool pool = new MemoryPool(100);
        Keeper keeper = new Keeper(pool, 100);
        keeper.keep(90);
        assertEquals(90, pool.kept());
        assertEquals(0, pool.inUse());
        MemoryPool.Reservation run = pool.tryReserve(50);
        assertNotNull(run, "the keeper let go of what was missing");
        assertEquals(50, pool.kept());
        assertTrue(run.grow(50), "and again for a growth");
        assertEquals(0, pool.kept());
        assertEquals(100, pool.inUse());
        assertNull(pool.tryReserve(1), "nothing kept is left to give");
        assertEquals(1, pool.refusals(), "a refusal the keeper could cover was not counted as one");
    }

    @Test
    void keptMemoryNeverTakesWhatAWaitingRunIsAbout() throws Exception {
        MemoryPool pool = new MemoryPool(100);
        Keeper keeper = new Keeper(pool, 100);
        MemoryPool.Reservation first = pool.tryReserve(100);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<MemoryPool.Reservation> waiting = executor.submit(() -> pool.reserve(60, 5_000));
            while (!pool.hasWaiters()) {
                Thread.sleep(1);
            }
            first.close();
            keeper.keep(100);
            MemoryPool.Reservation second = waiting.get(5, TimeUnit.SECONDS);
            assertNotNull(second, "the run that waited got its bytes, kept memory or not");
            assertEquals(60, pool.inUse());
        } finally {
            executor.shutdownNow();
        }
    }

    /** The storm again with a keeper that keeps what every run gives back: never overcommitted, nothing leaked. */
    @Test
    void aStormWithKeptMemoryNeverOvercommitsAndLeavesOnlyWhatIsKept() throws Exception {
        long capacity = 1_000_000;
        MemoryPool pool = new MemoryPool(capacity);
        Keeper keeper = new Keeper(pool, capacity / 2);
        AtomicLong peak = new AtomicLong();
        ExecutorService executor = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Random random = new Random(1130 + t);
            futures.add(executor.submit(() -> {
                for (int run = 0; run < 1_250; run++) {
                    long used = 0;
                    try (MemoryPool.Reservation reservation = pool.reserve(random.nextInt(50_000), 5)) {
                        if (reservation == null) {
                            continue;
                        }
                        for (int step = 0; step < 5 && reservation.grow(random.nextInt(100_000)); step++) {
                            peak.accumulateAndGet(pool.reserved(), Math::max);
                        }
                        used = reservation.held();
                    }
                    keeper.keep(used);
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get(60, TimeUnit.SECONDS);
        }
        executor.shutdownNow();
        assertTrue(peak.get() <= capacity, "never more than the capacity out: " + peak.get());
        assertEquals(0, pool.inUse(), "no run holds anything");
        assertEquals(pool.kept(), pool.reserved(), "only kept memory is reserved");
        assertTrue(pool.kept() > 0, "the keeper kept something");
        keeper.reclaim(Long.MAX_VALUE);
        assertEquals(0, pool.reserved());
    }
}

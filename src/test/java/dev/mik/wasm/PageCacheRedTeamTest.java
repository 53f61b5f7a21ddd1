package dev.mik.wasm;

import dev.mik.memory.MemoryPool;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Red team: the page cache against the memory pool. Runs that together never need more than the pool should never be
 * refused because the cache keeps pages; the pool's books must balance under any interleaving; no page may be handed
 * to two memories at once.
 */
class PageCacheRedTeamTest {

    private static final int PAGE = InstanceFootprint.PAGE_BYTES;

    /**
     * Four threads, each a run that reserves one page, takes it, grows by three, takes them, then ends as
     * {@code PreparedInstance.release} ends a run (reservation closed, then pages given to the cache). Together they
     * never hold more than 16 pages, the pool's capacity, so every reservation and growth fits once the cache lets go:
     * any refusal is the cache taking back, between a run's reclaim and its take, what the run reclaimed.
     */
    @Test
    void runsThatFitTogetherAreNeverRefusedBecauseOfKeptPages() throws Exception {
        long refusals = storm(4, 4, 16, 20_000);
        assertEquals(0, refusals, "refusals although the runs never needed more than the pool");
    }

    /** MEASURING: how often the storm above is refused (printed); asserts only that the books balance after it. */
    @Test
    void measureRefusalsCausedByKeptPages() throws Exception {
        long refusals = storm(4, 4, 16, 20_000);
        System.out.println("refusals of runs that fit the pool, 4 threads x 20,000 runs: " + refusals);
    }

    /** Runs the storm; checks the pool never went over and ends with nothing in use; answers the refusals. */
    private static long storm(int threads, int pagesPerRun, int capacityPages, int runsPerThread) throws Exception {
        MemoryPool pool = new MemoryPool((long) capacityPages * PAGE);
        PageCache cache = new PageCache(pool, (long) capacityPages * PAGE);
        AtomicLong refusals = new AtomicLong();
        AtomicBoolean over = new AtomicBoolean();
        ExecutorService workers = Executors.newFixedThreadPool(threads + 1);
        AtomicBoolean done = new AtomicBoolean();
        Future<?> sampler = workers.submit(() -> {
            while (!done.get()) {
                // each reading is atomic on its own; kept <= reserved is what inUse() >= 0 says in one reading
                if (pool.reserved() > pool.capacity() || pool.inUse() < 0) {
                    over.set(true);
                }
            }
        });
        List<Future<?>> runs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            runs.add(workers.submit(() -> {
                byte[][] pages = new byte[pagesPerRun][];
                for (int i = 0; i < runsPerThread; i++) {
                    MemoryPool.Reservation run = pool.tryReserve(PAGE);
                    if (run == null) {
                        refusals.incrementAndGet();
                        continue;
                    }
                    pages[0] = cache.take();
                    int held = 1;
                    if (run.grow((long) (pagesPerRun - 1) * PAGE)) {
                        for (; held < pagesPerRun; held++) {
                            pages[held] = cache.take();
                        }
                    } else {
                        refusals.incrementAndGet();
                    }
                    run.close();
                    cache.give(pages, held);
                }
                return null;
            }));
        }
        for (Future<?> run : runs) {
            run.get(120, TimeUnit.SECONDS);
        }
        done.set(true);
        sampler.get(10, TimeUnit.SECONDS);
        workers.shutdownNow();
        assertTrue(!over.get(), "the pool went over its capacity or its books went negative");
        assertEquals(0, pool.inUse(), "nothing in use after the storm");
        assertEquals(cache.bytes(), pool.kept(), "the pool's kept bytes are the cache's pages");
        return refusals.get();
    }

    /**
     * A run waits for the whole pool while the only run holding it ends: that run's pages reach the cache between the
     * waiter's reclaim and its wait (the hook below is that moment, on a reclaimer the pool calls after the cache's).
     * The bytes are kept for nobody, yet the waiter sleeps until its deadline; README: "a run waiting for memory is
     * never beaten to it by the cache".
     */
    @Test
    void aWaiterIsNotLeftSleepingWhileTheCacheHoldsItsBytes() throws Exception {
        long waited = waitBesideAFinishingRun(1_000);
        assertTrue(waited < 200, "waited " + waited + " ms while the cache held the bytes");
    }

    /** MEASURING: the same, printed; asserts the waiter gets its bytes in the end. */
    @Test
    void measureAWaiterBesideAFinishingRun() throws Exception {
        long waited = waitBesideAFinishingRun(300);
        System.out.println("a waiter beside a finishing run waited " + waited + " ms of its 300");
    }

    private static long waitBesideAFinishingRun(long waitMs) throws Exception {
        MemoryPool pool = new MemoryPool(4L * PAGE);
        PageCache cache = new PageCache(pool, 4L * PAGE);
        MemoryPool.Reservation running = pool.tryReserve(4L * PAGE);
        byte[][] pages = new byte[4][];
        for (int i = 0; i < 4; i++) {
            pages[i] = cache.take();
        }
        AtomicBoolean once = new AtomicBoolean();
        pool.reclaimWith(bytes -> {
            if (once.compareAndSet(false, true)) {
                // the running instance's release(), as another thread would do it at this moment
                running.close();
                cache.give(pages, 4);
            }
            return 0;
        });
        long started = System.nanoTime();
        MemoryPool.Reservation waiter = pool.reserve(4L * PAGE, waitMs);
        long waited = (System.nanoTime() - started) / 1_000_000;
        assertNotNull(waiter, "the waiter got nothing although the cache held the whole pool");
        waiter.close();
        return waited;
    }

    /**
     * {@code PreparedInstance.release()} is documented idempotent; two threads releasing one instance at once (a
     * retire racing a run's end, should any future caller do that) must not put one page in the cache twice, or two
     * later memories would share it. Latent only: today every caller takes the instance from a queue first, and
     * recycle() reads and clears its size in two steps without a lock; 2,000 racing rounds found no duplicate here.
     */
    @Test
    void concurrentReleasesNeverPutOnePageInTheCacheTwice() throws Exception {
        assertEquals(0, duplicatePagesAfterRacingRecycles(2_000));
    }

    private static int duplicatePagesAfterRacingRecycles(int rounds) throws Exception {
        MemoryPool pool = new MemoryPool(1L << 30);
        PageCache cache = new PageCache(pool, 1L << 30);
        ExecutorService two = Executors.newFixedThreadPool(2);
        int duplicates = 0;
        try {
            for (int round = 0; round < rounds && duplicates == 0; round++) {
                PagedMemory memory = new PagedMemory(8, 8, cache);
                memory.fill((byte) 1, 0, 8 * PAGE); // a page is taken when first touched
                CyclicBarrier start = new CyclicBarrier(2);
                Future<?> a = two.submit(() -> {
                    start.await();
                    memory.recycle();
                    return null;
                });
                Future<?> b = two.submit(() -> {
                    start.await();
                    memory.recycle();
                    return null;
                });
                a.get(10, TimeUnit.SECONDS);
                b.get(10, TimeUnit.SECONDS);
                Set<byte[]> seen = Collections.newSetFromMap(new IdentityHashMap<>());
                List<byte[]> taken = new ArrayList<>();
                while (cache.bytes() > 0) {
                    byte[] page = cache.take();
                    taken.add(page);
                    if (!seen.add(page)) {
                        duplicates++;
                    }
                }
            }
        } finally {
            two.shutdownNow();
        }
        return duplicates;
    }

    /**
     * Pool books under a seeded mix of everything that touches them at once: run reservations that grow and shrink
     * (reclaiming), waits, cache takes and gives, clear and idle release. No deadlock (bounded time), never over the
     * capacity, and at the end nothing in use and the kept bytes exactly the cache's.
     */
    @Test
    void theBooksBalanceAndNothingDeadlocksUnderAMixedStorm() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            MemoryPool pool = new MemoryPool(64L * PAGE);
            PageCache cache = new PageCache(pool, 48L * PAGE);
            ExecutorService workers = Executors.newFixedThreadPool(6);
            AtomicBoolean over = new AtomicBoolean();
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                Random random = new Random(seed * 31 + t);
                all.add(workers.submit(() -> {
                    for (int i = 0; i < 3_000; i++) {
                        int op = random.nextInt(10);
                        if (op < 6) {
                            int want = 1 + random.nextInt(12);
                            MemoryPool.Reservation run = op == 0 ? pool.reserve(PAGE, 5) : pool.tryReserve(PAGE);
                            if (run == null) {
                                continue;
                            }
                            byte[][] pages = new byte[want][];
                            pages[0] = cache.take();
                            int held = 1;
                            while (held < want && run.grow(PAGE)) {
                                pages[held++] = cache.take();
                            }
                            if (random.nextBoolean()) {
                                run.resize(run.held() / 2);
                            }
                            run.close();
                            cache.give(pages, held);
                        } else if (op == 6) {
                            cache.clear();
                        } else if (op == 7) {
                            cache.releaseIfIdle(0);
                        } else if (op == 8) {
                            cache.reclaim((1 + random.nextInt(8)) * (long) PAGE);
                        } else {
                            MemoryPool.Reservation big = pool.tryReserve(32L * PAGE);
                            if (big != null) {
                                big.close();
                            }
                        }
                        if (pool.reserved() > pool.capacity()) {
                            over.set(true);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(120, TimeUnit.SECONDS);
            }
            workers.shutdownNow();
            assertTrue(!over.get(), "over capacity");
            assertEquals(0, pool.inUse(), "seed " + seed + ": in use after the storm");
            assertEquals(cache.bytes(), pool.kept(), "seed " + seed + ": kept bytes are the cache's");
            cache.clear();
            assertEquals(0, pool.reserved(), "seed " + seed + ": nothing reserved once the cache is cleared");
        }
    }
}

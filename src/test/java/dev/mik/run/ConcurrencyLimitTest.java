package dev.mik.run;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConcurrencyLimitTest {

    @Test
    void aFullLimitRefusesAndASlotGivenBackIsTakenAgain() {
        ConcurrencyLimit limit = new ConcurrencyLimit();
        assertTrue(limit.tryEnter(2));
        assertTrue(limit.tryEnter(2));
        assertFalse(limit.tryEnter(2), "a third run over a limit of two");
        assertEquals(2, limit.inFlight(), "a refusal takes nothing");
        limit.leave();
        assertTrue(limit.tryEnter(2));
        assertFalse(limit.tryEnter(1), "a lowered limit applies to the next run");
        limit.leave();
        limit.leave();
        assertEquals(0, limit.inFlight());
    }

    /**
     * Eight threads take and give back slots under limits drawn per attempt from a seeded source (as a limit changed
     * in the config would be): never more runs inside than the largest limit in force, a refusal only when the
     * limit was reached, and every slot back at the end.
     */
    @Test
    void aStormNeverHasMoreInsideThanTheLimitAndGivesEverySlotBack() throws Exception {
        ConcurrencyLimit limit = new ConcurrencyLimit();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            SplittableRandom random = new SplittableRandom(20261201L + t);
            done.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < 50_000; i++) {
                    int max = 1 + random.nextInt(4);
                    if (limit.tryEnter(max)) {
                        int now = inside.incrementAndGet();
                        worst.accumulateAndGet(now, Math::max);
                        admitted.incrementAndGet();
                        inside.decrementAndGet();
                        limit.leave();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : done) {
            future.get();
        }
        threads.shutdown();
        assertTrue(worst.get() <= 4, "at most the largest limit inside at once, saw " + worst.get());
        assertTrue(admitted.get() > 0);
        assertEquals(0, limit.inFlight(), "every slot given back");
    }
}

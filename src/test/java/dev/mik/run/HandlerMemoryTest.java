package dev.mik.run;

import dev.mik.memory.MemoryPool;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.wasm.PreparedInstance;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Handler runs reserve what their instance holds from the memory pool and give it all back however they end. The
 * pool itself counts: {@link MemoryPool#reserved()} is exactly the sum of the open reservations.
 */
class HandlerMemoryTest {

    private static final long MIB = 1L << 20;
    private static final long CAP = 64 * MIB;
    private static final long RESPONSE_MAX = MIB;
    private static final long TIMEOUT_MS = 20_000;

    private final HandlerRunner runner = HandlerFixtures.runner();

    /** The HTTP status of one run: the handler's own, or its problem's. */
    private int status(ModuleVersion version, String query, long timeoutMs) {
        return outcome(version, query, timeoutMs).status();
    }

    private Outcome outcome(ModuleVersion version, String query, long timeoutMs) {
        return outcome(version, query, timeoutMs, CAP);
    }

    private Outcome outcome(ModuleVersion version, String query, long timeoutMs, long cap) {
        try {
            HandlerResponse response = runner.run(version, HandlerFixtures.get(version.name().value(), query),
                    timeoutMs, cap, RESPONSE_MAX);
            return new Outcome(response.status(), null);
        } catch (ProblemException problem) {
            return new Outcome(problem.type().status(), problem);
        }
    }

    private record Outcome(int status, ProblemException problem) {
        ProblemType type() {
            return problem == null ? null : problem.type();
        }
    }

    /** A timed-out run gives its memory back when its thread leaves the guest, a moment after the 504. */
    private static void awaitReserved(MemoryPool pool, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (pool.inUse() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, pool.inUse(), "bytes still reserved");
    }

    @Test
    void everyWayARunEndsGivesItsMemoryBack() throws Exception {
        record Case(String fixture, String query, long timeoutMs, ProblemType expected, String detail) {
        }
        String cap = "mik.handler.memory-max-bytes";
        List<Case> cases = List.of(
                new Case("hello2", "", TIMEOUT_MS, null, null),
                new Case("trap", "", TIMEOUT_MS, ProblemType.HANDLER_ERROR, "trapped"),
                new Case("exit1", "", TIMEOUT_MS, ProblemType.HANDLER_ERROR, "status 3"),
                new Case("badout", "", TIMEOUT_MS, ProblemType.INVALID_OUTPUT, "CGI"),
                new Case("bigout", "", TIMEOUT_MS, ProblemType.RESPONSE_TOO_LARGE, "mik.response.max-bytes"),
                new Case("hog", "", TIMEOUT_MS, ProblemType.MEMORY_LIMIT, cap),
                new Case("multigrow", "", TIMEOUT_MS, ProblemType.MEMORY_LIMIT, cap),
                new Case("unlinkable", "", TIMEOUT_MS, ProblemType.HANDLER_ERROR, "unexpectedly"),
                new Case("loop", "", 300, ProblemType.TIMEOUT, "300 ms"),
                new Case("slow", "ms=5000", 300, ProblemType.TIMEOUT, "300 ms"));
        MemoryPool pool = new MemoryPool(512 * MIB);
        HandlerMemory memory = HandlerFixtures.memory(pool);
        for (Case c : cases) {
            Outcome outcome = outcome(HandlerFixtures.version(c.fixture(), memory), c.query(), c.timeoutMs());
            assertEquals(c.expected(), outcome.type(), () -> c + " ended with " + outcome);
            if (c.expected() == ProblemType.MEMORY_LIMIT) {
                assertEquals("instance", outcome.problem().extensions().get("limit"), "the handler's own cap");
            }
            if (c.detail() != null) {
                assertTrue(outcome.problem().detail().contains(c.detail()), outcome.problem()::detail);
            }
            awaitReserved(pool, 0);
        }
    }

    /**
     * Instances run on pages earlier runs used and dirtied: {@code snoop} counts the non-zero bytes above its heap
     * base and in the 4 MiB it grows into, then writes 0xA5 over all of it. 400 runs, eight at a time, beside hogs
     * that fill pages of their own, all answer exactly what a run on new pages answers, and the pages really were
     * reused.
     */
    @Test
    void aRunOnRecycledPagesSeesNothingOfEarlierRuns() throws Exception {
        MemoryPool fresh = new MemoryPool(256 * MIB);
        ModuleVersion alone = HandlerFixtures.version("snoop", HandlerFixtures.memory(fresh, 0));
        String expected = new String(runner.run(alone, HandlerFixtures.get("snoop", ""), TIMEOUT_MS, CAP,
                RESPONSE_MAX).body(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        assertTrue(expected.startsWith("nonzero="), expected);
        MemoryPool pool = new MemoryPool(256 * MIB);
        HandlerMemory memory = HandlerFixtures.memory(pool);
        ModuleVersion snoop = HandlerFixtures.version("snoop", memory);
        ModuleVersion hog = HandlerFixtures.version("hog", memory);
        List<String> answers = concurrently(8, 400, i -> {
            if (i % 50 == 0) {
                return "hog " + status(hog, "", TIMEOUT_MS);
            }
            HandlerResponse response = runner.run(snoop, HandlerFixtures.get("snoop", ""), TIMEOUT_MS, CAP,
                    RESPONSE_MAX);
            return new String(response.body(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        });
        for (String answer : answers) {
            assertTrue(answer.startsWith("hog 500") || answer.equals(expected), answer + ", on new pages: " + expected);
        }
        assertTrue(memory.pages().reused() > 1_000, "pages reused: " + memory.pages().reused());
        awaitReserved(pool, 0);
        assertEquals(memory.pages().bytes(), pool.kept(), "the pool's kept bytes are the cache's pages");
    }

    /** Four memories of 80 MiB: refused under a 256 MiB cap though each alone is far below it; fine under 512 MiB. */
    @Test
    void allMemoriesOfAnInstanceShareOneCap() throws Exception {
        MemoryPool pool = new MemoryPool(1024 * MIB);
        ModuleVersion multigrow = HandlerFixtures.version("multigrow", HandlerFixtures.memory(pool));
        Outcome capped = outcome(multigrow, "", TIMEOUT_MS, 256 * MIB);
        assertEquals(ProblemType.MEMORY_LIMIT, capped.type(), capped::toString);
        assertTrue(capped.problem().detail().contains("above the limit of " + 256 * MIB), capped.problem()::detail);
        awaitReserved(pool, 0);
        Outcome roomy = outcome(multigrow, "", TIMEOUT_MS, 512 * MIB);
        assertEquals(ProblemType.INVALID_OUTPUT, roomy.type(), "every grow fits, so it exits without output");
        awaitReserved(pool, 0);
    }

    @Test
    void aRunHoldsItsReservationWhileItRuns() throws Exception {
        MemoryPool pool = new MemoryPool(512 * MIB);
        ModuleVersion slow = HandlerFixtures.version("slow", HandlerFixtures.memory(pool));
        long footprint = PreparedInstance.initialBytes(slow.compiled(), CAP);
        AtomicLong seen = new AtomicLong();
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                seen.accumulateAndGet(pool.inUse(), Math::max);
            }
        });
        watcher.start();
        try {
            assertEquals(200, status(slow, "ms=300", TIMEOUT_MS));
        } finally {
            watcher.interrupt();
            watcher.join();
        }
        assertTrue(seen.get() >= footprint, () -> "saw " + seen + " reserved, the instance holds " + footprint);
        assertTrue(seen.get() < 4 * MIB, () -> "a small handler reserved " + seen + " bytes: the cap, not its use?");
        awaitReserved(pool, 0);
    }

    /** Reserving what runs use, not the cap: eight small runs fit in a pool a quarter the size of one cap. */
    @Test
    void smallHandlersAreNotThrottledByTheCap() throws Exception {
        MemoryPool pool = new MemoryPool(16 * MIB);
        ModuleVersion slow = HandlerFixtures.version("slow", HandlerFixtures.memory(pool));
        List<Integer> statuses = concurrently(8, 8, i -> status(slow, "ms=400", TIMEOUT_MS));
        assertEquals(List.of(200, 200, 200, 200, 200, 200, 200, 200), statuses);
        awaitReserved(pool, 0);
    }

    @Test
    void aGrowthThePoolCannotGiveIsAFastMemoryLimit() throws Exception {
        MemoryPool pool = new MemoryPool(24 * MIB);
        ModuleVersion hog = HandlerFixtures.version("hog", HandlerFixtures.memory(pool));
        long started = System.nanoTime();
        Outcome outcome = outcome(hog, "", TIMEOUT_MS);
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertEquals(ProblemType.MEMORY_LIMIT, outcome.type(), outcome::toString);
        assertTrue(outcome.problem().detail().contains("mik.memory.pool-percent"), outcome.problem().detail());
        assertTrue(outcome.problem().detail().contains("memory pool could not give"), outcome.problem().detail());
        assertEquals("server", outcome.problem().extensions().get("limit"),
                "not the handler's fault: no breaker count");
        assertTrue(ms < 5_000, "took " + ms + " ms");
        assertTrue(pool.refusals() > 0);
        awaitReserved(pool, 0);
    }

    /** The red-team storm in small: 16 hogs against a pool of two caps all end fast, as memory-limit. */
    @Test
    void concurrentHogsEndFastWithMemoryLimitOrOverloaded() throws Exception {
        MemoryPool pool = new MemoryPool(2 * CAP);
        ModuleVersion hog = HandlerFixtures.version("hog", HandlerFixtures.memory(pool));
        long started = System.nanoTime();
        List<Integer> statuses = concurrently(16, 16, i -> status(hog, "", TIMEOUT_MS));
        long ms = (System.nanoTime() - started) / 1_000_000;
        for (int status : statuses) {
            assertTrue(status == 500 || status == 503, () -> "statuses " + statuses);
        }
        assertTrue(ms < 15_000, "took " + ms + " ms");
        awaitReserved(pool, 0);
    }

    @Test
    void aFullPoolRefusesTheRunAs503AndHoldsNothing() throws Exception {
        MemoryPool pool = new MemoryPool(MIB);
        ModuleVersion hello = HandlerFixtures.version("hello2", HandlerFixtures.memory(pool));
        MemoryPool.Reservation everything = pool.tryReserve(MIB);
        Outcome outcome = outcome(hello, "", TIMEOUT_MS);
        assertEquals(ProblemType.OVERLOADED, outcome.type(), outcome::toString);
        everything.close();
        awaitReserved(pool, 0);
        assertEquals(200, status(hello, "", TIMEOUT_MS), "runs again once the pool has room");
    }

    @Test
    void readyInstancesAreReservedBoundedAndReleased() throws Exception {
        MemoryPool pool = new MemoryPool(512 * MIB);
        HandlerMemory memory = HandlerFixtures.memory(pool);
        ModuleVersion hello = HandlerFixtures.version("hello2", memory);
        long footprint = PreparedInstance.initialBytes(hello.compiled(), CAP);

        hello.refill(2, CAP, 512 * MIB);
        assertEquals(2 * footprint, memory.readyBytes());
        assertEquals(2 * footprint, pool.inUse());

        PreparedInstance taken = hello.take(CAP);
        assertEquals(footprint, memory.readyBytes(), "a taken instance leaves the ready share");
        assertEquals(2 * footprint, pool.inUse(), "but keeps its reservation until released");
        taken.release();
        assertEquals(footprint, pool.inUse());

        hello.refill(3, CAP, footprint + footprint / 2);
        assertEquals(footprint, memory.readyBytes(), "the ready ceiling stops the refill");

        assertTrue(!hello.releaseIfIdle(System.nanoTime(), 60_000_000_000L), "not idle yet");
        assertTrue(hello.releaseIfIdle(System.nanoTime() + 61_000_000_000L, 60_000_000_000L));
        assertEquals(0, memory.readyBytes());
        assertEquals(0, pool.inUse());

        hello.refill(2, CAP, 512 * MIB);
        hello.retire();
        hello.refill(2, CAP, 512 * MIB);
        assertEquals(0, pool.inUse(), "a retired version holds nothing and makes nothing");
    }

    /**
     * A refill still making instances when its version is retired (the file changed, or its compiled form replaced the
     * interpreter's) ends, and so does one whose thread is interrupted (undeploy): before, a retired version's loop
     * made and dropped instances forever, a busy thread that kept its deployment alive after an undeploy.
     */
    @Test
    void aRefillUnderWayEndsWhenRetiredOrInterrupted() throws Exception {
        for (boolean retire : new boolean[] {true, false}) {
            MemoryPool pool = new MemoryPool(Long.MAX_VALUE / 4);
            HandlerMemory memory = HandlerFixtures.memory(pool);
            ModuleVersion hello = HandlerFixtures.version("hello2", memory);
            Thread refill = new Thread(() -> hello.refill(Integer.MAX_VALUE, CAP, Long.MAX_VALUE / 4), "test-refill");
            refill.setDaemon(true);
            refill.start();
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (memory.readyBytes() == 0 && refill.isAlive() && System.nanoTime() < giveUp) {
                Thread.onSpinWait();
            }
            assertTrue(memory.readyBytes() > 0, "the refill made instances before it was stopped");
            if (retire) {
                hello.retire();
            } else {
                refill.interrupt();
            }
            refill.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(refill.isAlive(), (retire ? "retired" : "interrupted") + ", the refill still runs");
            hello.retire();
            assertEquals(0, memory.readyBytes());
            assertEquals(0, pool.inUse(), "what the stopped refill made went back");
        }
    }

    @Test
    void aFullPoolMakesNoReadyInstances() throws Exception {
        MemoryPool pool = new MemoryPool(512 * MIB);
        HandlerMemory memory = HandlerFixtures.memory(pool);
        ModuleVersion hello = HandlerFixtures.version("hello2", memory);
        MemoryPool.Reservation everything = pool.tryReserve(512 * MIB);
        hello.refill(2, CAP, 512 * MIB);
        assertEquals(0, memory.readyBytes());
        assertEquals(512 * MIB, pool.inUse());
        everything.close();
        assertEquals(200, status(hello, "", TIMEOUT_MS));
        awaitReserved(pool, 0);
    }

    /** An instance made under another cap is not used, and what it held goes back. */
    @Test
    void aReadyInstanceFromAnOlderCapIsReleased() throws Exception {
        MemoryPool pool = new MemoryPool(512 * MIB);
        HandlerMemory memory = HandlerFixtures.memory(pool);
        ModuleVersion hello = HandlerFixtures.version("hello2", memory);
        hello.refill(2, CAP / 2, 512 * MIB);
        PreparedInstance taken = hello.take(CAP);
        assertEquals(0, memory.readyBytes());
        assertEquals(PreparedInstance.initialBytes(hello.compiled(), CAP), pool.inUse());
        taken.release();
        assertEquals(0, pool.inUse());
    }

    @Test
    void anInstanceThatCannotBeMadeGivesItsReservationBack() throws Exception {
        MemoryPool pool = new MemoryPool(512 * MIB);
        ModuleVersion unlinkable = HandlerFixtures.version("unlinkable", HandlerFixtures.memory(pool));
        assertThrows(RuntimeException.class, () -> unlinkable.take(CAP));
        assertEquals(0, pool.inUse());
        assertEquals(500, status(unlinkable, "", TIMEOUT_MS));
        awaitReserved(pool, 0);
    }

    /** Mixed outcomes from four clients, with refills between runs as the server does: nothing leaks. */
    @Test
    void noLeakAfterTenThousandRuns() throws Exception {
        MemoryPool pool = new MemoryPool(512 * MIB);
        HandlerMemory memory = HandlerFixtures.memory(pool);
        List<ModuleVersion> versions = new ArrayList<>();
        for (String fixture : List.of("hello2", "echo", "trap", "exit1", "badout", "redirect", "stderr")) {
            versions.add(HandlerFixtures.version(fixture, memory));
        }
        Random random = new Random(20_261_130);
        int[] picks = random.ints(10_000, 0, versions.size()).toArray();
        concurrently(4, picks.length, i -> {
            ModuleVersion version = versions.get(picks[i]);
            int status = status(version, "", TIMEOUT_MS);
            if (i % 3 == 0) {
                version.refill(2, CAP, 64 * MIB);
            }
            return status;
        });
        awaitReserved(pool, memory.readyBytes());
        versions.forEach(ModuleVersion::retire);
        awaitReserved(pool, 0);
        assertEquals(0, memory.readyBytes());
    }

    private interface Call<T> {
        T call(int index) throws Exception;
    }

    private static <T> List<T> concurrently(int clients, int count, Call<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> call.call(n)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (Exception e) {
            fail(e);
            throw e;
        } finally {
            pool.shutdownNow();
        }
    }
}

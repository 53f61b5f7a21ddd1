package dev.mik.run;

import dev.mik.memory.MemoryPool;
import dev.mik.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Red team: can a run read what another run wrote through recycled pages? {@code redsnoop} (two memories, data
 * segments, growth) exits with status 7 on any byte it did not expect and otherwise answers "clean" and dirties all of
 * both memories; {@code redscribble} writes 0xA5 over its two memories for ever and is stopped by its timeout, so its
 * pages are recycled only after an interrupt; {@code hog} grows until refused. Seeded mixes of the three, with short
 * and racing timeouts, run on one page cache.
 */
class RecycledPagesRedTeamTest {

    private static final long MIB = 1L << 20;
    private static final long CAP = 64 * MIB;

    private final HandlerRunner runner = HandlerFixtures.runner();

    private String answer(ModuleVersion version, long timeoutMs) {
        try {
            HandlerResponse response = runner.run(version, HandlerFixtures.get(version.name().value(), ""), timeoutMs,
                    CAP, MIB);
            return response.status() + " " + new String(response.body(), StandardCharsets.US_ASCII).trim();
        } catch (ProblemException problem) {
            return problem.type().status() + " " + problem.type() + " " + problem.detail();
        }
    }

    private static void awaitInUse(MemoryPool pool, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (pool.inUse() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, pool.inUse(), "bytes still in use");
    }

    @Test
    void aSnoopOnNewPagesIsClean() {
        MemoryPool pool = new MemoryPool(256 * MIB);
        ModuleVersion snoop = HandlerFixtures.version("redsnoop", HandlerFixtures.memory(pool, 0));
        assertEquals("200 clean", answer(snoop, 20_000));
    }

    /**
     * 3 seeds x 240 runs, six at a time: a third are scribblers stopped after 1-60 ms while they write, a few hogs, the
     * rest snoops (some with timeouts that race their end). Every snoop that finished says "clean", pages were
     * reused, nothing is left in use, and the pool's kept bytes are the cache's.
     */
    @Test
    void timedOutScribblersNeverLeaveBytesForTheNextRun() throws Exception {
        for (long seed : new long[] {1, 2, 3}) {
            MemoryPool pool = new MemoryPool(256 * MIB);
            HandlerMemory memory = HandlerFixtures.memory(pool);
            ModuleVersion snoop = HandlerFixtures.version("redsnoop", memory);
            ModuleVersion scribble = HandlerFixtures.version("redscribble", memory);
            ModuleVersion hog = HandlerFixtures.version("hog", memory);
            Random random = new Random(seed);
            List<Future<String>> runs = new ArrayList<>();
            ExecutorService callers = Executors.newFixedThreadPool(6);
            try {
                for (int i = 0; i < 240; i++) {
                    int kind = random.nextInt(30);
                    long timeout = 1 + random.nextInt(60);
                    if (kind < 10) {
                        runs.add(callers.submit(() -> "scribble " + answer(scribble, timeout)));
                    } else if (kind < 12) {
                        runs.add(callers.submit(() -> "hog " + answer(hog, 20_000)));
                    } else if (kind < 16) {
                        runs.add(callers.submit(() -> "racing " + answer(snoop, timeout)));
                    } else {
                        runs.add(callers.submit(() -> "snoop " + answer(snoop, 20_000)));
                    }
                }
                Map<String, Integer> seen = new TreeMap<>();
                for (Future<String> run : runs) {
                    String answer = run.get(60, TimeUnit.SECONDS);
                    String key = answer.length() > 40 ? answer.substring(0, 40) : answer;
                    seen.merge(key, 1, Integer::sum);
                    if (answer.startsWith("snoop") || answer.startsWith("racing")) {
                        assertTrue(answer.endsWith("200 clean") || answer.contains("504"),
                                "seed " + seed + ": " + answer);
                    }
                }
                assertTrue(memory.pages().reused() > 100, "pages reused: " + memory.pages().reused() + " " + seen);
            } finally {
                callers.shutdownNow();
            }
            awaitInUse(pool, 0);
            assertEquals(memory.pages().bytes(), pool.kept(), "the pool's kept bytes are the cache's pages");
            assertTrue(pool.reserved() <= pool.capacity());
        }
    }
}

package dev.mik.run;

import dev.mik.memory.MemoryPool;
import dev.mik.problem.ProblemException;


/**
 * Run in a JVM with a small heap by {@link HeapExhaustionTest}: a hog whose cap and pool are larger than the heap
 * meets the JVM's own limit, then a small handler runs. Prints one line: each outcome and the bytes left reserved.
 */
public final class HeapExhaustionProbe {

    private static final long HUGE = 1L << 40;

    public static void main(String[] args) throws Exception {
        MemoryPool pool = new MemoryPool(HUGE);
        HandlerMemory memory = HandlerFixtures.memory(pool);
        HandlerRunner runner = HandlerFixtures.runner();
        String hog = outcome(runner, HandlerFixtures.version("hog", memory));
        String hello = outcome(runner, HandlerFixtures.version("hello2", memory));
        System.out.println("hog=" + hog + " hello=" + hello
                + " reserved=" + pool.inUse()); // kept pages are not a run's
    }

    private static String outcome(HandlerRunner runner, ModuleVersion version) {
        try {
            return String.valueOf(runner.run(version, HandlerFixtures.get(version.name().value(), ""), 60_000, HUGE,
                    1 << 20).status());
        } catch (ProblemException problem) {
            return problem.type().name();
        }
    }
}

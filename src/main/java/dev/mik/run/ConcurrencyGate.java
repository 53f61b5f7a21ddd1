package dev.mik.run;

import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts handler runs in flight, for the whole server and per module, and refuses the ones over the limit at once
 * rather than queueing them. Counters (not semaphores) so a limit changed in the config applies to the next request.
 * Per-module counters exist only for modules that exist, so unknown names cannot grow the map.
 */
public final class ConcurrencyGate {

    /** Seconds a refused client is told to wait: handler runs are short, so the next free slot is near. */
    static final int RETRY_AFTER_SECONDS = 1;

    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perModule = new ConcurrentHashMap<>();

    /** A granted slot; close it exactly once when the run ends. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    public Permit enter(String module, int maxTotal, int maxPerModule) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            throw ProblemException.retryLater(ProblemType.OVERLOADED,
                    "The server is running " + maxTotal + " handlers already (mik.concurrency.max).",
                    RETRY_AFTER_SECONDS);
        }
        AtomicInteger count = perModule.computeIfAbsent(module, name -> new AtomicInteger());
        if (count.incrementAndGet() > maxPerModule) {
            count.decrementAndGet();
            total.decrementAndGet();
            throw ProblemException.retryLater(ProblemType.RATE_LIMITED, "Module '" + module + "' is running "
                    + maxPerModule + " requests already (mik.concurrency.per-module).", RETRY_AFTER_SECONDS);
        }
        return () -> {
            count.decrementAndGet();
            total.decrementAndGet();
        };
    }

    /** Forgets the counter of a module that no longer exists. */
    public void forget(String module) {
        perModule.computeIfPresent(module, (name, count) -> count.get() == 0 ? null : count);
    }

    public int inFlight() {
        return total.get();
    }
}

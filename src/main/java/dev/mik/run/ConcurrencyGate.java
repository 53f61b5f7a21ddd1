package dev.mik.run;

import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Handler runs in flight, for the whole server and per module ({@link ConcurrencyLimit}s); a run over either limit is
 * refused at once. Per-module limits exist only for modules that exist, so unknown names cannot grow the map.
 */
public final class ConcurrencyGate {

    private final ConcurrencyLimit total = new ConcurrencyLimit();
    private final ConcurrentHashMap<String, ConcurrencyLimit> perModule = new ConcurrentHashMap<>();

    /** A granted slot; close it exactly once when the run ends. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    public Permit enter(String moduleName, int maxTotal, int maxPerModule) {
        if (!total.tryEnter(maxTotal)) {
            throw ProblemException.retryLater(ProblemType.OVERLOADED,
                    "The server is running " + maxTotal + " handlers already (mik.concurrency.max).",
                    ConcurrencyLimit.RETRY_AFTER_SECONDS);
        }
        ConcurrencyLimit module = perModule.computeIfAbsent(moduleName, name -> new ConcurrencyLimit());
        if (!module.tryEnter(maxPerModule)) {
            total.leave();
            throw ProblemException.retryLater(ProblemType.RATE_LIMITED, "Module '" + moduleName + "' is running "
                    + maxPerModule + " requests already (mik.concurrency.per-module).",
                    ConcurrencyLimit.RETRY_AFTER_SECONDS);
        }
        return () -> {
            module.leave();
            total.leave();
        };
    }

    /** Forgets the limit of a module that no longer exists. */
    public void forget(String module) {
        perModule.computeIfPresent(module, (name, limit) -> limit.inFlight() == 0 ? null : limit);
    }

    public int inFlight() {
        return total.inFlight();
    }
}

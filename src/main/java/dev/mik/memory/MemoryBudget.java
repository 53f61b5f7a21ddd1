package dev.mik.memory;

import dev.mik.config.MikConfig;
import dev.mik.observability.Metrics;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The application's one {@link MemoryPool}: {@code mik.memory.pool-percent} of the JVM's maximum heap, fixed when
 * the application starts. Handler runs and script runs reserve from it before they start and as they grow; a run
 * that cannot get its first bytes within {@code mik.memory.wait-ms} is refused with 503 {@code overloaded}.
 */
@ApplicationScoped
public class MemoryBudget {

    private static final Logger LOG = Logger.getLogger(MemoryBudget.class.getName());

    @Inject
    MikConfig config;

    @Inject
    Metrics metrics;

    private MemoryPool pool;

    @PostConstruct
    void start() {
        long maxHeap = Runtime.getRuntime().maxMemory();
        pool = new MemoryPool(MemoryPool.capacityFor(maxHeap, config.memoryPoolPercent()));
        LOG.info(() -> "Memory pool for handler and script runs: " + pool.capacity() + " bytes ("
                + config.memoryPoolPercent() + "% of a " + maxHeap + "-byte heap, " + MikConfig.MEMORY_POOL_PERCENT
                + ")");
        misfits().forEach(LOG::severe);
        metrics.longGauge("mik_memory_pool_bytes", pool::capacity);
        metrics.longGauge("mik_memory_reserved_bytes", pool::reserved);
        metrics.longGauge("mik_memory_kept_bytes", pool::kept);
    }

    /** Makes the container create the pool when the application starts, so its start-up report comes first. */
    void startWithTheApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        // observing the event is enough
    }

    public MemoryPool pool() {
        return pool;
    }

    /**
     * The first reservation of a run, waiting up to {@code mik.memory.wait-ms} for other runs to give bytes back.
     *
     * @param what names the run in the refusal, e.g. "Handler 'echo'"
     * @throws ProblemException 503 {@link ProblemType#OVERLOADED} with {@code Retry-After} when the pool stays full
     */
    public MemoryPool.Reservation admit(long bytes, String what) {
        MemoryPool.Reservation reservation;
        try {
            reservation = pool.reserve(bytes, config.memoryWaitMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reservation = null;
        }
        if (reservation == null) {
            metrics.refused("memory");
            throw new ProblemException(ProblemType.OVERLOADED, what + " needs " + bytes
                    + " bytes of memory and the server's memory pool (" + pool.capacity() + " bytes, "
                    + MikConfig.MEMORY_POOL_PERCENT + ") is in use by other runs.", 1, Map.of("reason", "memory"));
        }
        return reservation;
    }

    /** Settings under which one run could need more than the whole pool, each naming its keys. */
    List<String> misfits() {
        List<String> found = new ArrayList<>();
        if (config.handlerMemoryMaxBytes() > pool.capacity()) {
            found.add(MikConfig.HANDLER_MEMORY_MAX_BYTES + "=" + config.handlerMemoryMaxBytes()
                    + " is larger than the memory pool (" + pool.capacity() + " bytes from "
                    + MikConfig.MEMORY_POOL_PERCENT + "): a handler can never grow to its cap");
        }
        if (config.scriptMemoryMaxBytes() > pool.capacity()) {
            found.add(MikConfig.SCRIPT_MEMORY_MAX_BYTES + "=" + config.scriptMemoryMaxBytes()
                    + " is larger than the memory pool (" + pool.capacity() + " bytes from "
                    + MikConfig.MEMORY_POOL_PERCENT + "): a script can never use its whole budget");
        }
        return found;
    }
}

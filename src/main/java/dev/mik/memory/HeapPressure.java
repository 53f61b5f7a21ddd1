package dev.mik.memory;

import dev.mik.config.MikConfig;
import dev.mik.lifecycle.MikScheduler;
import dev.mik.observability.Metrics;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntUnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sheds load when the heap's live data passes {@code mik.memory.high-water-percent}: new handler and script runs are
 * refused with 503 {@code overloaded} ({@code reason: heap}), the running scripts that allocated the most are
 * stopped, and readiness reports DOWN, until the live data falls {@value HeapMonitor#HYSTERESIS_PERCENT} points
 * below the mark again. Liveness stays UP: the server is sound, it is only full.
 */
@ApplicationScoped
public class HeapPressure implements Admission {

    private static final Logger LOG = Logger.getLogger(HeapPressure.class.getName());

    /** Seconds a refused client is told to wait: a few collections' time. */
    static final int RETRY_AFTER_SECONDS = 2;
    /** Running scripts asked to stop at each reading above the mark; the heaviest allocators go first. */
    static final int SCRIPTS_SHED_PER_READING = 4;
    /** Readings come with every collection, which can be many a second; shedding more often than this is noise. */
    static final long MIN_SHED_INTERVAL_MS = 200;

    @Inject
    MikConfig config;

    @Inject
    Metrics metrics;

    /** mik's own scheduler: a cancelled task of the server's stayed queued, holding mik after an undeploy. */
    @Inject
    MikScheduler scheduling;

    private final List<IntUnaryOperator> shedders = new CopyOnWriteArrayList<>();
    private volatile long lastShedNanos;
    HeapMonitor monitor;

    @PostConstruct
    void start() {
        monitor = new HeapMonitor(config::memoryHighWaterPercent, new Shedding(), scheduling.executor());
        metrics.gauge("mik_heap_pressure", () -> monitor.underPressure() ? 1 : 0);
        metrics.gauge("mik_heap_used_after_gc_percent", monitor::lastPercent);
        metrics.counter("mik_heap_pressure_events_total", monitor::events);
    }

    /** Watches from start-up, not from the first request that needs an answer. */
    void startWithTheApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        // observing the event is enough
    }

    @PreDestroy
    void stop() {
        monitor.close();
    }

    /**
     * Registers what stops running work under pressure: given how many runs to stop, it stops up to that many of
     * the heaviest and answers how many it stopped.
     */
    public void addShedder(IntUnaryOperator heaviestFirst) {
        shedders.add(heaviestFirst);
    }

    /** @throws ProblemException 503 {@link ProblemType#OVERLOADED} ({@code reason: heap}) while under pressure */
    @Override
    public void admit(String what) {
        if (monitor.underPressure()) {
            metrics.refused("heap");
            throw new ProblemException(ProblemType.OVERLOADED, what + " was not started: the server's heap is "
                    + monitor.lastPercent() + "% full after garbage collection (" + MikConfig.MEMORY_HIGH_WATER_PERCENT
                    + "=" + config.memoryHighWaterPercent() + ").", RETRY_AFTER_SECONDS, Map.of("reason", "heap"));
        }
    }

    /** Null while calm; otherwise why the server is not ready. */
    public String reason() {
        if (!monitor.underPressure()) {
            return null;
        }
        return "heap " + monitor.lastPercent() + "% full after garbage collection, over "
                + MikConfig.MEMORY_HIGH_WATER_PERCENT + "=" + config.memoryHighWaterPercent()
                + ": new runs are refused";
    }

    /** Heap in use after the latest collection, in percent of the maximum heap. */
    public int usedPercent() {
        return monitor.lastPercent();
    }

    final class Shedding implements HeapMonitor.Listener {

        @Override
        public void pressureStarted(int usedPercent) {
            LOG.warning(() -> "The heap is " + usedPercent + "% full after garbage collection: refusing new runs and "
                    + "stopping the heaviest scripts until it is below "
                    + (config.memoryHighWaterPercent() - HeapMonitor.HYSTERESIS_PERCENT) + "%.");
            shed(true);
        }

        @Override
        public void stillUnderPressure(int usedPercent) {
            shed(false);
        }

        @Override
        public void pressureEnded(int usedPercent) {
            LOG.info(() -> "The heap is " + usedPercent + "% full after garbage collection: admitting runs again.");
        }

        private void shed(boolean first) {
            long now = System.nanoTime();
            if (!first && now - lastShedNanos < MIN_SHED_INTERVAL_MS * 1_000_000) {
                return;
            }
            lastShedNanos = now;
            int stopped = 0;
            for (IntUnaryOperator shedder : shedders) {
                try {
                    stopped += shedder.applyAsInt(SCRIPTS_SHED_PER_READING);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Heap pressure: a shedder failed", e);
                }
            }
            if (stopped > 0) {
                int count = stopped;
                LOG.warning(() -> "Heap pressure: stopped the " + count + " running scripts that allocated the most.");
            }
        }
    }
}

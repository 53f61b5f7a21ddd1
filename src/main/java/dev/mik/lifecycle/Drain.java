package dev.mik.lifecycle;

import dev.mik.config.MikConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.logging.Logger;

/**
 * Drains mik when it is undeployed or its server shuts down, before anything is released: readiness goes DOWN, new
 * {@code /run} and {@code /script} requests are answered 503 {@code draining}, and the runs in flight get up to
 * {@code mik.shutdown.drain-ms} to finish. Whichever of the container's signals comes first starts it (the servlet
 * context going away, {@link DrainListener}, which was first on both Payara 6 and WildFly 39, or the application scope
 * about to be destroyed); the executors, watchdogs and caches are released by their owners' {@code @PreDestroy} after
 * it returns.
 */
@ApplicationScoped
public class Drain {

    private static final Logger LOG = Logger.getLogger(Drain.class.getName());

    private final RunAdmission admission = new RunAdmission();

    @Inject
    MikConfig config;

    public RunAdmission admission() {
        return admission;
    }

    /** Null while serving; otherwise why readiness is DOWN. */
    public String reason() {
        return admission.draining() ? "draining for an undeploy or shutdown: " + admission.inFlight()
                + " run(s) in flight, new runs are refused" : null;
    }

    void beforeTheApplicationEnds(@Observes @BeforeDestroyed(ApplicationScoped.class) Object application) {
        drain("the application scope is ending");
    }

    /** Refuses new runs and waits for the ones in flight, up to {@code mik.shutdown.drain-ms}; logs the outcome. */
    public void drain(String signal) {
        boolean first = !admission.draining();
        long maxMs = config.shutdownDrainMs();
        long started = System.nanoTime();
        if (first) {
            LOG.info(() -> "Draining (" + signal + "): new runs are refused with 503 draining; "
                    + admission.inFlight() + " run(s) in flight get up to " + maxMs + " ms ("
                    + MikConfig.SHUTDOWN_DRAIN_MS + ").");
        }
        try {
            int left = admission.drain(maxMs);
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            if (left > 0) {
                LOG.warning(() -> left + " run(s) still in flight after " + tookMs + " ms ("
                        + MikConfig.SHUTDOWN_DRAIN_MS + "=" + maxMs + "); they end as mik is released.");
            } else if (first) {
                LOG.info(() -> "Drained in " + tookMs + " ms: no run in flight; releasing mik's resources.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warning(() -> "Draining was interrupted with " + admission.inFlight() + " run(s) in flight.");
        }
    }
}

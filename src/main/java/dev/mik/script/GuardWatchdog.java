package dev.mik.script;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Polls the guards of running scripts from the container's scheduler, so a limit trips even while an
 * iteration allocates heavily or a builtin runs between two guard calls; the next guard call then throws.
 */
final class GuardWatchdog implements AutoCloseable {

    static final long PERIOD_MS = 5;

    private static final Logger LOG = Logger.getLogger(GuardWatchdog.class.getName());

    private final Set<RunGuard> running = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> poller;

    GuardWatchdog(ScheduledExecutorService scheduler) {
        this.poller = scheduler.scheduleAtFixedRate(this::pollAll, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    void watch(RunGuard guard) {
        running.add(guard);
    }

    void forget(RunGuard guard) {
        running.remove(guard);
    }

    private void pollAll() {
        for (RunGuard guard : running) {
            try {
                guard.poll();
            } catch (RuntimeException e) {
                // an exception would cancel the periodic task and leave every later run unwatched
                LOG.log(Level.WARNING, "Script watchdog could not poll a run", e);
            }
        }
    }

    @Override
    public void close() {
        poller.cancel(false);
        running.clear();
    }
}

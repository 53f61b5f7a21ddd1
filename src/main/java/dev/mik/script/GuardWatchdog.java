package dev.mik.script;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Polls the guards of running scripts from the container's scheduler, so a limit trips even while an
 * iteration allocates heavily or a builtin runs between two guard calls; the next guard call then throws.
 *
 * <p>A periodic task that throws is never run again, and every later run would go unwatched. So each poll
 * catches every {@link Throwable}, an {@link OutOfMemoryError} included (a script can fill the heap between two
 * polls), and the task keeps going. Each kind of failure is logged once, not every {@value #PERIOD_MS} ms.
 */
final class GuardWatchdog implements AutoCloseable {

    static final long PERIOD_MS = 5;
    /** Distinct failure classes logged; later kinds are not logged. */
    static final int MAX_LOGGED_KINDS = 16;

    private static final Logger LOG = Logger.getLogger(GuardWatchdog.class.getName());

    private final Set<RunGuard> running = ConcurrentHashMap.newKeySet();
    private final Set<Class<?>> loggedKinds = ConcurrentHashMap.newKeySet();
    private final Consumer<RunGuard> poll;
    private final ScheduledFuture<?> poller;

    GuardWatchdog(ScheduledExecutorService scheduler) {
        this(scheduler, RunGuard::poll);
    }

    /** @param poll what one poll does to a guard; tests substitute one that fails */
    GuardWatchdog(ScheduledExecutorService scheduler, Consumer<RunGuard> poll) {
        this.poll = poll;
        this.poller = scheduler.scheduleAtFixedRate(this::pollAll, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    void watch(RunGuard guard) {
        running.add(guard);
    }

    void forget(RunGuard guard) {
        running.remove(guard);
    }

    /** False once the periodic task has ended, which only {@link #close()} should cause. */
    boolean polling() {
        return !poller.isDone();
    }

    private void pollAll() {
        for (RunGuard guard : running) {
            try {
                poll.accept(guard);
            } catch (Throwable e) {
                // anything thrown here would end the periodic task and leave every later run unwatched
                report(e);
            }
        }
    }

    private void report(Throwable failure) {
        try {
            if (loggedKinds.size() < MAX_LOGGED_KINDS && loggedKinds.add(failure.getClass())) {
                LOG.log(Level.WARNING, "Script watchdog could not poll a run (logged once per kind; polling goes on)",
                        failure);
            }
        } catch (Throwable ignored) {
            // logging needs memory too; the next poll is what matters
        }
    }

    @Override
    public void close() {
        poller.cancel(false);
        running.clear();
    }
}

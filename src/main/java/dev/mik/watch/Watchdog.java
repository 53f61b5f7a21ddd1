package dev.mik.watch;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Polls the runs it watches every {@value #PERIOD_MS} ms: the scripts' guards (a limit trips even while an iteration
 * allocates heavily or a builtin runs between two guard calls) and the handler runs' deadlines (an overstaying guest
 * is interrupted). One poller for all runs: starting and ending a run is a set insert and remove, never a timer or a
 * thread hand-off.
 *
 * <p>Nothing may end the polling for good, because every later run would go unwatched:
 * <ul>
 * <li>each poll catches every {@link Throwable}, an {@link OutOfMemoryError} included, per run and around the whole
 * pass, and logs each kind of failure once;</li>
 * <li>a periodic task that ended anyway (it threw, it was cancelled, its executor was shut down) or that has not run
 * for {@value #STALE_MS} ms (its executor's threads are stuck or gone) is replaced when the next run starts: first
 * on the scheduler again, and if the scheduler refuses or is stuck, on a daemon thread of the watchdog's own.</li>
 * </ul>
 *
 * @param <T> what one watched run is
 */
public class Watchdog<T> implements AutoCloseable {

    public static final long PERIOD_MS = 5;
    /** A poller that has not finished a pass for this long is considered lost. */
    public static final long STALE_MS = 200;
    /** Distinct failure classes logged; later kinds are not logged. */
    static final int MAX_LOGGED_KINDS = 16;

    private final String name;
    private final Logger log;
    private final Set<T> running = ConcurrentHashMap.newKeySet();
    private final Set<Class<?>> loggedKinds = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;
    private final Consumer<T> poll;
    private final Object restartLock = new Object();
    private volatile ScheduledFuture<?> poller;
    private volatile Thread fallback;
    private volatile long lastPass = System.nanoTime();
    private volatile int restarts;
    private volatile boolean closed;

    /**
     * @param name   names the watchdog in its log lines and its fallback thread, e.g. {@code script watchdog}
     * @param log    where its failures are logged
     * @param poll   what one poll does to a run
     */
    public Watchdog(String name, Logger log, ScheduledExecutorService scheduler, Consumer<T> poll) {
        this.name = name;
        this.log = log;
        this.scheduler = scheduler;
        this.poll = poll;
        this.poller = schedule();
    }

    /** Starts watching a run; first replaces the poller if it has been lost. */
    public void watch(T run) {
        running.add(run);
        if (!polling()) {
            restart();
        }
    }

    public void forget(T run) {
        running.remove(run);
    }

    /** The runs watched now, in no order. */
    public List<T> watched() {
        return List.copyOf(running);
    }

    /** True while a poller is scheduled and has finished a pass within {@value #STALE_MS} ms. */
    public boolean polling() {
        if (closed) {
            return false;
        }
        boolean fresh = System.nanoTime() - lastPass < TimeUnit.MILLISECONDS.toNanos(STALE_MS);
        Thread thread = fallback;
        if (thread != null) {
            return thread.isAlive() && fresh;
        }
        ScheduledFuture<?> current = poller;
        return current != null && !current.isDone() && fresh;
    }

    /** How often a lost poller was replaced. */
    public int restarts() {
        return restarts;
    }

    private void restart() {
        synchronized (restartLock) {
            if (closed || polling()) {
                return;
            }
            restarts++;
            ScheduledFuture<?> old = poller;
            boolean schedulerStuck = old != null && !old.isDone();
            if (old != null) {
                old.cancel(false);
            }
            lastPass = System.nanoTime();
            ScheduledFuture<?> next = schedulerStuck ? null : schedule();
            poller = next;
            if (next != null) {
                fallback = null;   // a fallback thread that is still alive sees this and ends
            } else {
                Thread thread = new Thread(this::pollForever, "mik-" + name.replace(' ', '-'));
                thread.setDaemon(true);
                fallback = thread;
                thread.start();
            }
            log.warning(name + " was not polling and has been restarted ("
                    + (poller == null ? "on its own thread" : "on the scheduler") + ")");
        }
    }

    private ScheduledFuture<?> schedule() {
        try {
            return scheduler.scheduleAtFixedRate(this::pollAll, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private void pollForever() {
        while (!closed && fallback == Thread.currentThread()) {
            pollAll();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PERIOD_MS));
        }
    }

    private void pollAll() {
        try {
            for (T run : running) {
                try {
                    poll.accept(run);
                } catch (Throwable e) {
                    // anything thrown here would end the periodic task and leave every later run unwatched
                    report(e);
                }
            }
            lastPass = System.nanoTime();
        } catch (Throwable e) {
            report(e);
        }
    }

    private void report(Throwable failure) {
        try {
            if (loggedKinds.size() < MAX_LOGGED_KINDS && loggedKinds.add(failure.getClass())) {
                log.log(Level.WARNING, name + " could not poll a run (logged once per kind; polling goes on)",
                        failure);
            }
        } catch (Throwable ignored) {
            // logging needs memory too; the next poll is what matters
        }
    }

    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> current = poller;
        if (current != null) {
            current.cancel(false);
        }
        Thread thread = fallback;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
        running.clear();
    }
}

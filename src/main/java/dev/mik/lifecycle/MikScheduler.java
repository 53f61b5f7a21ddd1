package dev.mik.lifecycle;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.logging.Logger;

/**
 * The one scheduler of mik's timed work: sweeps, the heap's recheck, the watchdogs' polls, and slow request bodies'
 * reads and deadlines. Its two threads are mik's own, with mik's class loader as their context, and end with mik.
 *
 * <p>It is mik's own rather than the server's managed scheduled executor because a cancelled task leaves a scheduler's
 * queue only when it would have come due, unless the scheduler removes it on cancel, which Payara's does not: every
 * sweep and body deadline cancelled at an undeploy kept this deployment's class loader through the task and the
 * context the server captured with it, for up to a sweep's period (a heap dump after redeploys showed those tasks
 * holding one class loader each). This one removes a task when it is cancelled and drops them all at undeploy. Its
 * threads are {@link MikThreads}: no task needs more of the server than mik's classes (polls, sweeps, and a slow
 * body's read listener and dispatch, which the servlet API lets any thread start).
 */
@ApplicationScoped
public class MikScheduler {

    private static final Logger LOG = Logger.getLogger(MikScheduler.class.getName());

    /** Threads: every task is short (a poll, a sweep, a read started or ended), so two keep delays short. */
    static final int THREADS = 2;
    static final String THREAD_PREFIX = "mik-scheduler-";
    private static final long STOP_WAIT_SECONDS = 5;

    private ScheduledThreadPoolExecutor executor;

    @PostConstruct
    void start() {
        executor = new ScheduledThreadPoolExecutor(THREADS, MikThreads.named(THREAD_PREFIX));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    /** Where mik schedules; tasks still queued at undeploy are dropped. */
    public ScheduledExecutorService executor() {
        return executor;
    }

    @PreDestroy
    void stop() {
        MikThreads.stop(executor, STOP_WAIT_SECONDS, "A task of mik's scheduler was still running", LOG);
    }
}

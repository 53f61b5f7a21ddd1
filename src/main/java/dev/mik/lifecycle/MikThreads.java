package dev.mik.lifecycle;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * mik's own threads: named {@code <prefix><n>} (numbered from 1 in each deployment, so a name seen twice is an earlier
 * deployment's thread still alive), daemon, with mik's class loader as their context. Not the server's managed thread
 * factory: Payara's keeps every thread it made for a deployment, with the context it captured then, in a list that
 * outlives the deployment (heap dumps after redeploys showed each deployment's first thread of a pool there, holding
 * its class loader). What mik runs on them needs no more of the server than mik's own classes.
 */
public final class MikThreads {

    private MikThreads() {
    }

    /** A factory of threads named {@code prefix} and a number. */
    public static ThreadFactory named(String prefix) {
        AtomicInteger number = new AtomicInteger();
        ClassLoader mik = MikThreads.class.getClassLoader();
        return task -> {
            Thread thread = new Thread(task, prefix + number.incrementAndGet());
            thread.setDaemon(true);
            thread.setContextClassLoader(mik);
            return thread;
        };
    }

    /**
     * Stops {@code threads} at undeploy: interrupts their tasks and waits up to {@code seconds} for them to end, so no
     * thread of mik outlives its deployment; answers whether they all did ({@code busy} says what one still does).
     */
    public static boolean stop(ExecutorService threads, long seconds, String busy, Logger log) {
        threads.shutdownNow();
        try {
            if (threads.awaitTermination(seconds, TimeUnit.SECONDS)) {
                return true;
            }
            log.warning(busy + " " + seconds + " s after the undeploy began; its thread ends when that is done.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }
}

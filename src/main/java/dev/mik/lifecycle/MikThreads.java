package dev.mik.lifecycle;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

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
}

package dev.mik.run;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs in flight against a limit: the one home of mik's concurrency limits (all handler runs, each module's, all
 * scripts). A run over the limit is refused at once rather than queued. A counter, not a semaphore, so a limit changed
 * in the config applies to the next request; what a refusal says is the caller's (each limit names its own key).
 */
public final class ConcurrencyLimit {

    /** Seconds a refused client is told to wait: runs are short, so the next free slot is near. */
    public static final int RETRY_AFTER_SECONDS = 1;

    private final AtomicInteger inFlight = new AtomicInteger();

    /** Takes a slot if fewer than {@code max} are taken; answers whether it did (then {@link #leave} once). */
    public boolean tryEnter(int max) {
        if (inFlight.incrementAndGet() > max) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back a slot {@link #tryEnter} took. */
    public void leave() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }
}

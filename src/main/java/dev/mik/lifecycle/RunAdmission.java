package dev.mik.lifecycle;

import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Admits {@code /run} and {@code /script} requests and counts the ones in flight, until draining starts: from then on
 * a new request is refused with 503 {@code draining} and {@code Retry-After}, and {@link #drain(long)} waits for the
 * admitted ones to finish. A request counts itself before it looks at the flag, so a drain that has started sees
 * every request that was admitted.
 */
public final class RunAdmission {

    /** What a refused client is told to wait: a redeploy serves again within seconds. */
    public static final int RETRY_AFTER_SECONDS = 2;

    private int inFlight;
    private volatile boolean draining;

    /** One admitted request; closing it says it has finished. */
    public interface Ticket extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Admits one request.
     *
     * @throws ProblemException 503 {@link ProblemType#DRAINING} once draining has started
     */
    public Ticket admit(String what) {
        synchronized (this) {
            inFlight++;
        }
        if (draining) {
            finished();
            throw new ProblemException(ProblemType.DRAINING, what + " was not started: mik is being undeployed or "
                    + "shut down and finishes the runs in flight. Retry on another instance or after the redeploy.",
                    RETRY_AFTER_SECONDS, Map.of());
        }
        return this::finished;
    }

    private synchronized void finished() {
        inFlight--;
        if (inFlight == 0) {
            notifyAll();
        }
    }

    /** Whether new requests are refused. */
    public boolean draining() {
        return draining;
    }

    public synchronized int inFlight() {
        return inFlight;
    }

    /**
     * Refuses new requests from now on and waits up to {@code maxMs} for the admitted ones to finish; answers how many
     * are still running when it returns (0 once all finished). Calling it again waits again for what is left.
     */
    public int drain(long maxMs) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
        synchronized (this) {
            long left;
            while (inFlight > 0 && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return inFlight;
        }
    }
}

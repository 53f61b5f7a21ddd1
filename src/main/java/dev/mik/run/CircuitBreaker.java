package dev.mik.run;

import java.util.function.LongSupplier;

/**
 * Stops calling a module that keeps failing. After {@code threshold} handler failures in a row (traps, bad exits,
 * timeouts, invalid output; a 4xx or 5xx the handler chose to answer is not a failure) calls are refused for
 * {@code openMs}; then one probe call is let through: its success closes the breaker, its failure opens it again.
 */
public final class CircuitBreaker {

    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final LongSupplier clockMs;
    private int consecutiveFailures;
    private long openUntilMs;
    private boolean probeInFlight;

    public CircuitBreaker(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    /** Whether a call may go ahead now; in half-open state only the first caller gets the probe. */
    public synchronized boolean tryAcquire(int threshold) {
        if (consecutiveFailures < threshold) {
            return true;
        }
        if (clockMs.getAsLong() < openUntilMs || probeInFlight) {
            return false;
        }
        probeInFlight = true;
        return true;
    }

    public synchronized void recordSuccess() {
        consecutiveFailures = 0;
        probeInFlight = false;
    }

    public synchronized void recordFailure(int threshold, long openMs) {
        consecutiveFailures++;
        probeInFlight = false;
        if (consecutiveFailures >= threshold) {
            openUntilMs = clockMs.getAsLong() + openMs;
        }
    }

    /** A call that was let through but never ran (e.g. refused by a concurrency limit) gives its probe back. */
    public synchronized void release() {
        probeInFlight = false;
    }

    public synchronized State state(int threshold) {
        if (consecutiveFailures < threshold) {
            return State.CLOSED;
        }
        return clockMs.getAsLong() < openUntilMs || probeInFlight ? State.OPEN : State.HALF_OPEN;
    }

    /** Seconds until the next probe may run, for {@code Retry-After}. */
    public synchronized int retryAfterSeconds() {
        return (int) Math.max(1, (openUntilMs - clockMs.getAsLong() + 999) / 1000);
    }
}

package dev.mik.sandbox;

/**
 * Where a run's allocation is charged, in steps as it grows: the server's memory pool, or nothing. A step the
 * account cannot cover stops the run with {@link AbortReason#MEMORY}.
 */
@FunctionalInterface
public interface AllocationAccount {

    /** Charges nothing; for runs outside a server. */
    AllocationAccount UNLIMITED = bytes -> true;

    /**
     * Makes sure at least {@code bytes} are held for the run. Called from the run's thread and from the watchdog,
     * never both at once for one run.
     *
     * @return false when they cannot be held
     */
    boolean cover(long bytes);
}

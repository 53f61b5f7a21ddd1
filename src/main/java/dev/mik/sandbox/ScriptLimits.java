package dev.mik.sandbox;

/**
 * Per-run limits of a script.
 *
 * @param timeoutMs         wall-clock deadline of the whole run, host calls included
 * @param maxAllocatedBytes heap the run's thread may allocate (a budget, not a live-set bound)
 * @param maxCalls          {@code host.call}s allowed per run
 * @param cpuMs             CPU time of the run's thread; the three-argument constructor sets it to
 *                          {@code timeoutMs}, so only the wall clock binds unless a tighter CPU budget is given
 */
public record ScriptLimits(long timeoutMs, long maxAllocatedBytes, int maxCalls, long cpuMs) {

    public ScriptLimits {
        if (timeoutMs <= 0 || maxAllocatedBytes <= 0 || maxCalls < 0 || cpuMs <= 0) {
            throw new IllegalArgumentException("script limits must be positive: " + timeoutMs + " ms, "
                    + maxAllocatedBytes + " bytes, " + maxCalls + " calls, " + cpuMs + " ms CPU");
        }
    }

    public ScriptLimits(long timeoutMs, long maxAllocatedBytes, int maxCalls) {
        this(timeoutMs, maxAllocatedBytes, maxCalls, timeoutMs);
    }
}

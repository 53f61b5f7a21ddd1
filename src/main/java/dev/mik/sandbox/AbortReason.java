package dev.mik.sandbox;

/** Which limit stopped a script run. */
public enum AbortReason {
    /** the wall-clock deadline passed */
    TIMEOUT,
    /** the run's thread used more CPU time than allowed */
    CPU,
    /** the run's thread allocated more heap than allowed */
    ALLOCATION,
    /** the script made more {@code host.call}s than allowed */
    MAX_CALLS,
    /** the script recursed until the thread's stack ran out */
    STACK,
    /** the server's memory pool could not cover what the run allocates, or the heap is under pressure */
    MEMORY
}

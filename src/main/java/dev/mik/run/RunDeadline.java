package dev.mik.run;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The deadline of one handler run on the thread that runs it. The handlers' {@link dev.mik.watch.Watchdog} polls it
 * and interrupts that thread once the deadline has passed, which Chicory's compiled code and WASI calls honour; it
 * never interrupts after {@link #end}, and an interrupt it delivered is cleared there, so the thread goes on to its
 * next request without one.
 */
final class RunDeadline {

    private static final int RUNNING = 0;
    private static final int INTERRUPTING = 1;
    private static final int INTERRUPTED = 2;
    private static final int ENDED = 3;

    private final Thread thread = Thread.currentThread();
    private final long deadlineNanos;
    private final AtomicInteger state = new AtomicInteger(RUNNING);

    /** A deadline {@code timeoutMs} from now for the calling thread's run. */
    RunDeadline(long timeoutMs) {
        this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    /** Interrupts the run's thread if the deadline has passed and the run has not ended. */
    void poll(long nowNanos) {
        if (nowNanos - deadlineNanos >= 0 && state.compareAndSet(RUNNING, INTERRUPTING)) {
            thread.interrupt();
            state.set(INTERRUPTED);
        }
    }

    /**
     * Ends the run, on its own thread: no interrupt comes from this deadline afterwards, and one that came is cleared.
     *
     * @return whether the deadline passed and the run was interrupted
     */
    boolean end() {
        if (state.compareAndSet(RUNNING, ENDED)) {
            return false;
        }
        while (state.get() == INTERRUPTING) {
            Thread.onSpinWait(); // the interrupt is on its way: clear it only once it has landed
        }
        Thread.interrupted();
        return true;
    }
}

package dev.mik.run;

import dev.mik.watch.Watchdog;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

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

    /** What a body run under a deadline came to: its value or its failure, and whether the deadline stopped it. */
    record Outcome<T>(T value, RuntimeException failure, boolean timedOut) {
    }

    /**
     * Runs {@code body} on this thread under a deadline {@code timeoutMs} from now, watched by {@code deadlines}; the
     * thread comes back without an interrupt from it, whatever happened.
     */
    static <T> Outcome<T> run(Watchdog<RunDeadline> deadlines, long timeoutMs, Supplier<T> body) {
        RunDeadline deadline = new RunDeadline(timeoutMs);
        deadlines.watch(deadline);
        T value = null;
        RuntimeException failure = null;
        boolean timedOut;
        try {
            value = body.get();
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            deadlines.forget(deadline);
            timedOut = deadline.end();
        }
        return new Outcome<>(value, failure, timedOut);
    }

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

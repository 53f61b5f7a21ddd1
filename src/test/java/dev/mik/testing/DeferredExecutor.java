package dev.mik.testing;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * An executor whose tasks wait until the test runs them: what a request sees while a background compilation is under
 * way, and after it ends.
 */
public final class DeferredExecutor implements Executor {

    private final Queue<Runnable> queued = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
        queued.add(task);
    }

    /** Runs every task queued so far, and those they queue, in order; answers how many ran. */
    public synchronized int runAll() {
        int ran = 0;
        for (Runnable task; (task = queued.poll()) != null; ran++) {
            task.run();
        }
        return ran;
    }
}

package dev.mik.run;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks on another executor, at most {@code parallelism} at a time, in the order they came; the rest wait in a
 * queue without holding a thread. Compilations go through one, so a burst of new modules keeps some of the server's
 * threads and cores for requests.
 */
public final class BoundedExecutor implements Executor {

    private final Executor delegate;
    private final int parallelism;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger running = new AtomicInteger();

    public BoundedExecutor(Executor delegate, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
        }
        this.delegate = delegate;
        this.parallelism = parallelism;
    }

    @Override
    public void execute(Runnable task) {
        waiting.add(task);
        drain();
    }

    private void drain() {
        while (!waiting.isEmpty()) {
            int now = running.get();
            if (now >= parallelism) {
                return;
            }
            if (!running.compareAndSet(now, now + 1)) {
                continue;
            }
            Runnable next = waiting.poll();
            if (next == null) {
                running.decrementAndGet();
                continue; // another thread took it; look again
            }
            try {
                delegate.execute(() -> {
                    try {
                        next.run();
                    } finally {
                        running.decrementAndGet();
                        drain();
                    }
                });
            } catch (RejectedExecutionException e) {
                running.decrementAndGet();
                next.run(); // the container's executor is full or shutting down: this compile runs here instead
            }
        }
    }

    /** Tasks running now. */
    public int running() {
        return running.get();
    }
}

package dev.mik.run;

import dev.mik.memory.MemoryPool;
import dev.mik.wasm.PageCache;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How handler instances get their bytes from the server's memory pool. A run waits a bounded time for what its
 * instance holds ({@link Admission}, which answers 503 when the pool stays full); an instance made ahead of requests
 * takes only what is free at once, and ready instances together stay within a ceiling of their own, so they never
 * crowd out runs. The pages of finished instances wait in a {@link PageCache} for the next ones.
 */
public final class HandlerMemory {

    /** A run's first reservation, waiting a bounded time for other runs to give bytes back. */
    @FunctionalInterface
    public interface Admission {
        /** @throws dev.mik.problem.ProblemException 503 {@code overloaded} when the pool stays full */
        MemoryPool.Reservation admit(long bytes, ModuleName module);
    }

    private final MemoryPool pool;
    private final Admission admission;
    private final AtomicLong readyBytes = new AtomicLong();
    private final PageCache pages;

    /** @param pageCacheBytes the most the page cache keeps (0: none) */
    public HandlerMemory(MemoryPool pool, Admission admission, long pageCacheBytes) {
        this.pool = pool;
        this.admission = admission;
        this.pages = new PageCache(pool, pageCacheBytes);
    }

    /** Where instances take their memory's pages from and give them back to. */
    public PageCache pages() {
        return pages;
    }

    public MemoryPool pool() {
        return pool;
    }

    MemoryPool.Reservation admit(long bytes, ModuleName module) {
        return admission.admit(bytes, module);
    }

    /**
     * A reservation for an instance that will wait for a request, or null when the pool has not the bytes free now
     * or ready instances would hold more than {@code readyMaxBytes} together.
     */
    MemoryPool.Reservation reserveForReady(long bytes, long readyMaxBytes) {
        if (readyBytes.addAndGet(bytes) > readyMaxBytes) {
            readyBytes.addAndGet(-bytes);
            return null;
        }
        MemoryPool.Reservation reservation = pool.tryReserve(bytes);
        if (reservation == null) {
            readyBytes.addAndGet(-bytes);
        }
        return reservation;
    }

    /** An instance stopped waiting (a run took it, or it was released); its reservation itself is not touched. */
    void leftReady(long bytes) {
        readyBytes.addAndGet(-bytes);
    }

    /** Bytes the instances waiting for requests hold together. */
    public long readyBytes() {
        return readyBytes.get();
    }
}

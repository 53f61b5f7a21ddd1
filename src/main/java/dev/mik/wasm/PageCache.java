package dev.mik.wasm;

import dev.mik.memory.MemoryPool;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Linear-memory blocks ({@value PagedMemory#BLOCK_BYTES} bytes each; "pages" here) that finished runs gave back,
 * kept for the next run's memory (as wasmtime's pooling allocator keeps slots). The pages it keeps are reserved from
 * the memory pool like a run's, so what mik holds never exceeds
 * the pool; and they are {@linkplain MemoryPool#reclaimWith reclaimable}: a run or script the pool is short for
 * gets them first. It keeps at most {@code maxBytes}, and lets all of them go when it was not used for a while
 * ({@link #releaseIfIdle}) or the heap is under pressure ({@link #clear}).
 *
 * <p>A page is zeroed when it is taken, not when it is given, so no path can hand out a page another run wrote.
 * Thread-safe.
 */
public final class PageCache {

    private static final int BLOCK = PagedMemory.BLOCK_BYTES;

    private final MemoryPool.Reservation held;
    private final long maxBytes;
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private long lastUsedNanos = System.nanoTime();
    private long reused;

    /**
     * @param maxBytes the most it keeps; 0 keeps nothing (every page is new and left to the collector afterwards)
     */
    public PageCache(MemoryPool pool, long maxBytes) {
        this.held = pool.reclaimWith(this::reclaim);
        this.maxBytes = Math.max(0, maxBytes);
    }

    /** A cache that keeps nothing and reserves nothing: pages are allocated and dropped as Chicory's own are. */
    static PageCache none() {
        return new PageCache();
    }

    private PageCache() {
        this.held = null;
        this.maxBytes = 0;
    }

    /** A zeroed page: a kept one if there is one, a new one otherwise. */
    byte[] take() {
        byte[] page = null;
        if (held != null) {
            synchronized (this) {
                lastUsedNanos = System.nanoTime();
                page = free.pollLast();
                if (page != null) {
                    held.resize(held.held() - BLOCK);
                    reused++;
                }
            }
        }
        if (page == null) {
            return new byte[BLOCK];
        }
        Arrays.fill(page, (byte) 0);
        return page;
    }

    /** Keeps the first {@code count} of {@code pages} as far as the bound and the pool allow; drops the rest. */
    void give(byte[][] pages, int count) {
        if (held == null || count == 0) {
            return;
        }
        synchronized (this) {
            lastUsedNanos = System.nanoTime();
            for (int i = 0; i < count; i++) {
                if (pages[i] == null) {
                    continue; // never touched, so never taken
                }
                if (held.held() + BLOCK > maxBytes || !held.grow(BLOCK)) {
                    return;
                }
                free.addLast(pages[i]);
            }
        }
    }

    /** Lets go of at least {@code bytes} (or all it keeps) and gives them back to the pool; answers how many. */
    public synchronized long reclaim(long bytes) {
        if (held == null) {
            return 0;
        }
        long freed = 0;
        while (freed < bytes && !free.isEmpty()) {
            free.pollFirst();
            freed += BLOCK;
        }
        held.resize(held.held() - freed);
        return freed;
    }

    /** Lets go of every page it keeps. */
    public long clear() {
        return reclaim(Long.MAX_VALUE);
    }

    /** Lets go of every page when no page was taken or given for {@code idleMs}; answers whether it did. */
    public synchronized boolean releaseIfIdle(long idleMs) {
        if (free.isEmpty() || System.nanoTime() - lastUsedNanos < idleMs * 1_000_000) {
            return false;
        }
        clear();
        return true;
    }

    /** Bytes of pages kept now. */
    public synchronized long bytes() {
        return (long) free.size() * BLOCK;
    }

    /** Pages handed out again instead of allocated, since the cache was made. */
    public synchronized long reused() {
        return reused;
    }
}

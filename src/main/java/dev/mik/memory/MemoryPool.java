package dev.mik.memory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongUnaryOperator;

/**
 * The bytes that running handlers and scripts may hold at once, shared by all of them. A run takes a
 * {@link Reservation} before it starts and grows it as it uses more (a handler's memory grows, a script allocates);
 * a growth the pool cannot give is refused at once, so a run fails fast instead of after seconds of garbage
 * collection. Closing a reservation gives everything back; closing twice is harmless.
 *
 * <p>Some reservations hold memory that is only kept for later, such as freed pages waiting for reuse
 * ({@link #reclaimWith}): when the pool is short, it asks their holders to let go before it refuses anyone.
 *
 * <p>Thread-safe. Reservations are the only way bytes enter or leave the pool, so {@link #reserved()} is exactly the
 * sum of the open reservations.
 */
public final class MemoryPool {

    private final long capacity;
    private final Object monitor = new Object();
    private final LongAdder refusals = new LongAdder();
    private final List<LongUnaryOperator> reclaimers = new CopyOnWriteArrayList<>();
    private long reserved;
    private long kept;
    private int waiting;
    /** Runs between asking the reclaimers to let go and taking what they let go of. */
    private int reclaiming;

    /** @param capacity bytes the pool can hand out; must be positive */
    public MemoryPool(long capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("a memory pool needs a positive capacity, not " + capacity);
        }
        this.capacity = capacity;
    }

    /** {@code percent} of {@code maxHeap} (the JVM's {@code -Xmx}), at least one byte. */
    public static long capacityFor(long maxHeap, int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("a pool percentage is 1-100, not " + percent);
        }
        return Math.max(1, maxHeap / 100 * percent);
    }

    public long capacity() {
        return capacity;
    }

    public long reserved() {
        synchronized (monitor) {
            return reserved;
        }
    }

    /** The part of {@link #reserved()} that is only kept for later and given up on demand ({@link #reclaimWith}). */
    public long kept() {
        synchronized (monitor) {
            return kept;
        }
    }

    /** What runs hold: {@link #reserved()} less what is only {@linkplain #kept() kept}. */
    public long inUse() {
        synchronized (monitor) {
            return reserved - kept;
        }
    }

    /** Whether a run is waiting for bytes now. */
    public boolean hasWaiters() {
        synchronized (monitor) {
            return waiting > 0;
        }
    }

    /** Reservations and growths refused since the pool was made. */
    public long refusals() {
        return refusals.sum();
    }

    /** A reservation of {@code bytes}, or null when the pool cannot give them now. */
    public Reservation tryReserve(long bytes) {
        requireNotNegative(bytes);
        return takeOrReclaim(bytes) ? new Reservation(bytes, false) : null;
    }

    /**
     * An empty reservation for memory kept only for later use. Its holder must let go of at least the bytes asked
     * for (or all it keeps) when {@code reclaim} is called, by shrinking this reservation, and answer how many it let
     * go; the pool calls it, without holding any lock of its own, whenever it is short. Growing this reservation
     * never reclaims anything.
     */
    public Reservation reclaimWith(LongUnaryOperator reclaim) {
        reclaimers.add(reclaim);
        return new Reservation(0, true);
    }

    /**
     * A reservation of {@code bytes}, waiting up to {@code maxWaitMs} for other runs to give bytes back; null when
     * they did not in time. A request larger than the whole pool is refused without waiting.
     */
    public Reservation reserve(long bytes, long maxWaitMs) throws InterruptedException {
        requireNotNegative(bytes);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        while (true) {
            if (takeOrReclaim(bytes, false)) {
                return new Reservation(bytes, false);
            }
            synchronized (monitor) {
                long left = deadline - System.nanoTime();
                if (bytes > capacity || left <= 0) {
                    refusals.increment();
                    return null;
                }
                // bytes only kept for later are as good as free: reclaim them rather than wait for a run to end
                if (reserved - kept + bytes > capacity) {
                    waiting++;
                    try {
                        TimeUnit.NANOSECONDS.timedWait(monitor, left);
                    } finally {
                        waiting--;
                    }
                }
            }
        }
    }

    private boolean takeOrReclaim(long bytes) {
        return takeOrReclaim(bytes, true);
    }

    /**
     * Takes {@code bytes}, asking the reclaimable reservations to let go first when the pool is short, and again as
     * long as they let go of something (another run may take what they let go of first). While a run is at it, kept
     * memory takes nothing back, so the kept bytes only shrink and this ends.
     */
    private boolean takeOrReclaim(long bytes, boolean countRefusal) {
        synchronized (monitor) {
            if (take(bytes, false)) {
                return true;
            }
            if (bytes > capacity || reclaimers.isEmpty()) {
                if (countRefusal) {
                    refusals.increment();
                }
                return false;
            }
            reclaiming++;
        }
        try {
            while (true) {
                long missing;
                synchronized (monitor) {
                    if (take(bytes, false)) {
                        return true;
                    }
                    missing = bytes - (capacity - reserved);
                }
                long freed = 0;
                for (LongUnaryOperator reclaimer : reclaimers) {
                    freed += reclaimer.applyAsLong(missing - freed);
                    if (freed >= missing) {
                        break;
                    }
                }
                if (freed <= 0) {
                    synchronized (monitor) {
                        return take(bytes, countRefusal);
                    }
                }
            }
        } finally {
            synchronized (monitor) {
                reclaiming--;
            }
        }
    }

    /** Caller holds the monitor. */
    private boolean take(long bytes, boolean countRefusal) {
        if (bytes > capacity - reserved) {
            if (countRefusal) {
                refusals.increment();
            }
            return false;
        }
        reserved += bytes;
        return true;
    }

    private void give(long bytes, boolean wasKept) {
        if (bytes == 0) {
            return;
        }
        synchronized (monitor) {
            reserved -= bytes;
            if (wasKept) {
                kept -= bytes;
            }
            if (waiting > 0) {
                monitor.notifyAll();
            }
        }
    }

    private static void requireNotNegative(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot reserve " + bytes + " bytes");
        }
    }

    /** Bytes one run holds from the pool. Any thread may grow or close it (a watchdog grows a script's). */
    public final class Reservation implements AutoCloseable {

        private final boolean reclaimable;
        private long held;
        private boolean closed;

        private Reservation(long held, boolean reclaimable) {
            this.held = held;
            this.reclaimable = reclaimable;
        }

        /** Bytes held now. */
        public synchronized long held() {
            return held;
        }

        /** Takes {@code bytes} more; false (and nothing taken) when the pool cannot give them or this is closed. */
        public synchronized boolean grow(long bytes) {
            requireNotNegative(bytes);
            if (closed) {
                return false;
            }
            if (reclaimable) {
                synchronized (monitor) {
                    // memory kept for later never takes what a waiting or reclaiming run is about to get
                    if (waiting > 0 || reclaiming > 0 || !take(bytes, false)) {
                        return false;
                    }
                    kept += bytes;
                }
            } else if (!takeOrReclaim(bytes)) {
                return false;
            }
            held += bytes;
            return true;
        }

        /** Grows or shrinks to hold exactly {@code bytes}; false when a growth was refused (nothing changes then). */
        public synchronized boolean resize(long bytes) {
            requireNotNegative(bytes);
            if (bytes >= held) {
                return grow(bytes - held);
            }
            if (!closed) {
                give(held - bytes, reclaimable);
                held = bytes;
            }
            return true;
        }

        /** Gives every byte back. */
        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                give(held, reclaimable);
                held = 0;
            }
        }
    }
}

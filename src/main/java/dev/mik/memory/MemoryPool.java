package dev.mik.memory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bytes that running handlers and scripts may hold at once, shared by all of them. A run takes a
 * {@link Reservation} before it starts and grows it as it uses more (a handler's memory grows, a script allocates);
 * a growth the pool cannot give is refused at once, so a run fails fast instead of after seconds of garbage
 * collection. Closing a reservation gives everything back; closing twice is harmless.
 *
 * <p>Thread-safe. Reservations are the only way bytes enter or leave the pool, so {@link #reserved()} is exactly the
 * sum of the open reservations.
 */
public final class MemoryPool {

    private final long capacity;
    private final Object monitor = new Object();
    private final LongAdder refusals = new LongAdder();
    private long reserved;
    private int waiting;

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

    /** Reservations and growths refused since the pool was made. */
    public long refusals() {
        return refusals.sum();
    }

    /** A reservation of {@code bytes}, or null when the pool cannot give them now. */
    public Reservation tryReserve(long bytes) {
        requireNotNegative(bytes);
        synchronized (monitor) {
            if (!take(bytes)) {
                return null;
            }
        }
        return new Reservation(bytes);
    }

    /**
     * A reservation of {@code bytes}, waiting up to {@code maxWaitMs} for other runs to give bytes back; null when
     * they did not in time. A request larger than the whole pool is refused without waiting.
     */
    public Reservation reserve(long bytes, long maxWaitMs) throws InterruptedException {
        requireNotNegative(bytes);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        synchronized (monitor) {
            if (bytes <= capacity) {
                waiting++;
                try {
                    while (reserved + bytes > capacity) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        TimeUnit.NANOSECONDS.timedWait(monitor, left);
                    }
                } finally {
                    waiting--;
                }
            }
            if (!take(bytes)) {
                return null;
            }
        }
        return new Reservation(bytes);
    }

    /** Caller holds the monitor. */
    private boolean take(long bytes) {
        if (bytes > capacity - reserved) {
            refusals.increment();
            return false;
        }
        reserved += bytes;
        return true;
    }

    private void give(long bytes) {
        if (bytes == 0) {
            return;
        }
        synchronized (monitor) {
            reserved -= bytes;
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

        private long held;
        private boolean closed;

        private Reservation(long held) {
            this.held = held;
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
            synchronized (monitor) {
                if (!take(bytes)) {
                    return false;
                }
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
                give(held - bytes);
                held = bytes;
            }
            return true;
        }

        /** Gives every byte back. */
        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                give(held);
                held = 0;
            }
        }
    }
}

package dev.mik.memory;

import com.sun.management.GarbageCollectionNotificationInfo;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Watches how full the heap is after each garbage collection (the live data, not the garbage waiting to be
 * collected) and tells its {@link Listener} when that crosses the high-water mark and when it falls back below the
 * low-water mark ({@value #HYSTERESIS_PERCENT} points lower) no sooner than {@value #HOLD_MS} ms after the last
 * reading over the high one. The readings come from the JVM's garbage-collection notifications, so they arrive within
 * a collection of the heap filling up. Under a storm of large arrays the live heap swings between 40% and 90% within
 * milliseconds (measured on a 512 MiB G1 heap), so without the hold the state would flap and let a burst of new runs
 * in at every low reading.
 *
 * <p>While under pressure it also checks every {@value #RECHECK_MS} ms: heap in use now is never less than the live
 * data, so a low reading proves recovery without waiting for a collection; and when no collection has come for
 * {@value #IDLE_GC_MS} ms it asks for one, because an idle server that refuses work might otherwise never collect
 * and so never learn that the pressure is gone.
 */
public final class HeapMonitor implements AutoCloseable {

    /** Points below the high-water mark at which the pressure counts as gone. */
    public static final int HYSTERESIS_PERCENT = 10;
    /** How long after the last reading over the mark the pressure lasts at least. */
    public static final long HOLD_MS = 1_000;
    static final long RECHECK_MS = 250;
    static final long IDLE_GC_MS = 2_000;

    /** Told about pressure, on a JVM notification thread or the monitor's scheduler: keep the work short. */
    public interface Listener {
        void pressureStarted(int usedPercent);

        void stillUnderPressure(int usedPercent);

        void pressureEnded(int usedPercent);
    }

    private final IntSupplier highWaterPercent;
    private final LongSupplier maxHeap;
    private final LongSupplier clock;
    private final Listener listener;
    private final Set<String> heapPools;
    private final List<Runnable> unsubscribe = new ArrayList<>();
    private final ScheduledFuture<?> recheck;
    private final Object monitor = new Object();
    private boolean pressed;
    private int lastPercent;
    private long events;
    private long lastHighNanos;
    private volatile long lastGcNanos = System.nanoTime();

    /**
     * @param highWaterPercent read at each reading, so a changed setting applies at the next collection
     */
    public HeapMonitor(IntSupplier highWaterPercent, Listener listener, ScheduledExecutorService scheduler) {
        this(highWaterPercent, HeapMonitor::maxHeapBytes, System::nanoTime, listener, scheduler, true);
    }

    /** For tests: {@code subscribe=false} feeds readings only through {@link #record(long)}. */
    HeapMonitor(IntSupplier highWaterPercent, LongSupplier maxHeap, LongSupplier clock, Listener listener,
            ScheduledExecutorService scheduler, boolean subscribe) {
        this.highWaterPercent = highWaterPercent;
        this.maxHeap = maxHeap;
        this.clock = clock;
        this.listener = listener;
        this.heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName)
                .collect(Collectors.toUnmodifiableSet());
        if (subscribe) {
            subscribeToCollections();
        }
        this.recheck = scheduler == null ? null
                : scheduler.scheduleWithFixedDelay(this::recheck, RECHECK_MS, RECHECK_MS, TimeUnit.MILLISECONDS);
    }

    public boolean underPressure() {
        synchronized (monitor) {
            return pressed;
        }
    }

    /** Heap in use after the latest collection, in percent of the maximum heap. */
    public int lastPercent() {
        synchronized (monitor) {
            return lastPercent;
        }
    }

    /** Times the heap went over the high-water mark. */
    public long events() {
        synchronized (monitor) {
            return events;
        }
    }

    /** One reading of the live heap, in bytes: after a collection, or an upper bound of it. */
    void record(long usedBytes) {
        int percent = (int) Math.min(100, usedBytes * 100 / Math.max(1, maxHeap.getAsLong()));
        int high = highWaterPercent.getAsInt();
        long now = clock.getAsLong();
        int change;
        synchronized (monitor) {
            lastPercent = percent;
            if (percent >= high) {
                lastHighNanos = now;
            }
            if (!pressed && percent >= high) {
                pressed = true;
                events++;
                change = 1;
            } else if (pressed && percent < high - HYSTERESIS_PERCENT
                    && now - lastHighNanos >= TimeUnit.MILLISECONDS.toNanos(HOLD_MS)) {
                pressed = false;
                change = -1;
            } else {
                change = pressed ? 0 : 2;
            }
        }
        switch (change) {
            case 1 -> listener.pressureStarted(percent);
            case -1 -> listener.pressureEnded(percent);
            case 0 -> listener.stillUnderPressure(percent);
            default -> {
                // calm and staying calm
            }
        }
    }

    private void recheck() {
        try {
            if (!underPressure()) {
                return;
            }
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            int high = highWaterPercent.getAsInt();
            if (used * 100 / Math.max(1, maxHeap.getAsLong()) < high - HYSTERESIS_PERCENT) {
                record(used);
            } else if (System.nanoTime() - lastGcNanos > TimeUnit.MILLISECONDS.toNanos(IDLE_GC_MS)) {
                lastGcNanos = System.nanoTime();
                System.gc();
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            // a periodic task that throws is never run again, and recovery must not depend on the next collection
        }
    }

    private void subscribeToCollections() {
        NotificationListener onCollection = (notification, handback) -> {
            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                lastGcNanos = System.nanoTime();
                var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                record(heapUsed(info.getGcInfo().getMemoryUsageAfterGc()));
            }
        };
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(onCollection, null, null);
                unsubscribe.add(() -> {
                    try {
                        emitter.removeNotificationListener(onCollection);
                    } catch (javax.management.ListenerNotFoundException gone) {
                        // already removed
                    }
                });
            }
        }
    }

    private long heapUsed(Map<String, MemoryUsage> afterCollection) {
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool : afterCollection.entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        return used;
    }

    private static long maxHeapBytes() {
        long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
        return max > 0 ? max : Runtime.getRuntime().maxMemory();
    }

    @Override
    public void close() {
        if (recheck != null) {
            recheck.cancel(false);
        }
        unsubscribe.forEach(Runnable::run);
    }
}

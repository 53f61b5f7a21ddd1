package dev.mik.memory;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeapMonitorTest {

    private static final long MIB = 1024 * 1024;

    private final List<String> heard = Collections.synchronizedList(new ArrayList<>());
    private final HeapMonitor.Listener recorder = new HeapMonitor.Listener() {
        @Override
        public void pressureStarted(int usedPercent) {
            heard.add("started " + usedPercent);
        }

        @Override
        public void stillUnderPressure(int usedPercent) {
            heard.add("still " + usedPercent);
        }

        @Override
        public void pressureEnded(int usedPercent) {
            heard.add("ended " + usedPercent);
        }
    };

    @Test
    void pressureStartsAtTheHighWaterMarkAndEndsOnlyBelowTheLowOne() {
        AtomicLong now = new AtomicLong();
        HeapMonitor monitor = new HeapMonitor(() -> 85, () -> 100, now::get, recorder, null, false);
        monitor.record(84);
        assertFalse(monitor.underPressure());
        monitor.record(85);
        monitor.record(90);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(HeapMonitor.HOLD_MS));
        monitor.record(75);
        assertTrue(monitor.underPressure(), "75% is inside the hysteresis band");
        monitor.record(74);
        assertFalse(monitor.underPressure());
        assertEquals(List.of("started 85", "still 90", "still 75", "ended 74"), heard);
        assertEquals(1, monitor.events());
        assertEquals(74, monitor.lastPercent());
    }

    @Test
    void anyReadingSequenceAgreesWithTheHysteresisRule() {
        Random random = new Random(7);
        AtomicInteger high = new AtomicInteger(85);
        AtomicLong now = new AtomicLong();
        HeapMonitor monitor = new HeapMonitor(high::get, () -> 1_000, now::get, recorder, null, false);
        boolean expected = false;
        long events = 0;
        long lastHigh = 0;
        for (int i = 0; i < 100_000; i++) {
            if (random.nextInt(1_000) == 0) {
                high.set(20 + random.nextInt(80));
            }
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(random.nextInt(600)));
            int percent = random.nextInt(101);
            monitor.record(percent * 10L);
            if (percent >= high.get()) {
                lastHigh = now.get();
            }
            if (!expected && percent >= high.get()) {
                expected = true;
                events++;
            } else if (expected && percent < high.get() - HeapMonitor.HYSTERESIS_PERCENT
                    && now.get() - lastHigh >= TimeUnit.MILLISECONDS.toNanos(HeapMonitor.HOLD_MS)) {
                expected = false;
            }
            assertEquals(expected, monitor.underPressure(), "reading " + i);
        }
        assertEquals(events, monitor.events());
        assertEquals(events, heard.stream().filter(line -> line.startsWith("started")).count());
        assertEquals(events - (expected ? 1 : 0), heard.stream().filter(line -> line.startsWith("ended")).count());
    }

    @Test
    void realCollectionsReportPressureAndAnIdleHeapRecoversByItself() throws Exception {
        System.gc();
        long baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long held = 128 * MIB;
        // a pretend maximum heap just above what this test holds, so the real collections cross the mark
        long maxHeap = baseline + held + 48 * MIB;
        int holdingPercent = (int) ((baseline + held) * 100 / maxHeap);
        int calmPercent = (int) (baseline * 100 / maxHeap);
        int highWater = (holdingPercent + calmPercent) / 2;
        assertTrue(calmPercent < highWater - HeapMonitor.HYSTERESIS_PERCENT, "test set-up: " + calmPercent + " / "
                + highWater);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (HeapMonitor monitor = new HeapMonitor(() -> highWater, () -> maxHeap, System::nanoTime, recorder,
                scheduler, true)) {
            byte[][] hog = new byte[(int) (held / MIB)][];
            for (int i = 0; i < hog.length; i++) {
                hog[i] = new byte[(int) MIB];
            }
            System.gc();
            awaitTrue(monitor::underPressure, 5_000, "pressure after a collection with " + held + " bytes held");
            assertTrue(heard.get(0).startsWith("started"), heard.toString());

            hog = null;
            // no collection asked for here: the monitor must notice the idle, full heap and collect by itself
            awaitTrue(() -> !monitor.underPressure(), 10_000, "recovery without an outside collection");
            assertEquals(1, monitor.events());
            assertTrue(heard.get(heard.size() - 1).startsWith("ended"), heard.toString());
        } finally {
            scheduler.shutdownNow();
        }
    }

    private static void awaitTrue(BooleanSupplier condition, long millis, String what) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + millis + " ms: " + what);
            }
            Thread.sleep(20);
        }
    }
}

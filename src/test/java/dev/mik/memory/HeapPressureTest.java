package dev.mik.memory;

import dev.mik.config.MikConfig;
import dev.mik.observability.Metrics;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeapPressureTest {

    private static final long MAX_HEAP = 1_000;

    private final HeapPressure pressure = new HeapPressure();
    private final List<Integer> shedRequests = new ArrayList<>();
    private final AtomicLong now = new AtomicLong();

    @BeforeEach
    void calmServer() {
        pressure.config = new MikConfig() {
            @Override
            public int memoryHighWaterPercent() {
                return 85;
            }
        };
        pressure.metrics = new Metrics();
        pressure.monitor = new HeapMonitor(pressure.config::memoryHighWaterPercent, () -> MAX_HEAP, now::get,
                pressure.new Shedding(), null, false);
        pressure.addShedder(count -> {
            shedRequests.add(count);
            return count;
        });
    }

    @Test
    void overTheMarkNewRunsAre503WithTheReasonAndTheHeaviestScriptsAreShed() {
        pressure.admit("Script 'a'");
        assertNull(pressure.reason());

        pressure.monitor.record(900);
        ProblemException refused = assertThrows(ProblemException.class, () -> pressure.admit("Handler 'hog'"));

        assertEquals(ProblemType.OVERLOADED, refused.type());
        assertEquals("heap", refused.extensions().get("reason"));
        assertEquals(HeapPressure.RETRY_AFTER_SECONDS, refused.retryAfterSeconds());
        assertTrue(refused.detail().contains("90%") && refused.detail().contains("mik.memory.high-water-percent"),
                refused.detail());
        assertTrue(pressure.reason().startsWith("heap 90% full"), pressure.reason());
        assertEquals(List.of(HeapPressure.SCRIPTS_SHED_PER_READING), shedRequests);
        assertTrue(pressure.metrics.prometheusText().contains("mik_refusals_total{reason=\"heap\"} 1"));
    }

    @Test
    void itRecoversByItselfOnceTheLiveHeapFallsBelowTheLowMark() {
        pressure.monitor.record(900);
        pressure.monitor.record(760);
        assertThrows(ProblemException.class, () -> pressure.admit("Script 'a'"));
        pressure.monitor.record(740);
        assertThrows(ProblemException.class, () -> pressure.admit("Script 'a'"), "held for a while after a high one");

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(HeapMonitor.HOLD_MS));
        pressure.monitor.record(740);
        pressure.admit("Script 'a'");
        assertNull(pressure.reason());
        assertEquals(1, pressure.monitor.events());
    }

    @Test
    void repeatedReadingsShedAgainButNotMoreOftenThanTheInterval() throws InterruptedException {
        pressure.monitor.record(900);
        pressure.monitor.record(950);
        assertEquals(1, shedRequests.size(), "a second reading at once does not shed again");
        Thread.sleep(HeapPressure.MIN_SHED_INTERVAL_MS + 50);
        pressure.monitor.record(950);
        assertEquals(2, shedRequests.size());
    }
}

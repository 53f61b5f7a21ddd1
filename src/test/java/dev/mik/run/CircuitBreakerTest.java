package dev.mik.run;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CircuitBreakerTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final CircuitBreaker breaker = new CircuitBreaker(now::get);

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            assertTrue(breaker.tryAcquire(3));
            breaker.recordFailure(3, 500);
        }
    }

    @Test
    void opensAfterTheThresholdOfFailuresInARow() {
        fail(2);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(3));
        fail(1);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(3));
        assertFalse(breaker.tryAcquire(3));
        assertEquals(1, breaker.retryAfterSeconds());
    }

    @Test
    void aSuccessResetsTheCount() {
        fail(2);
        assertTrue(breaker.tryAcquire(3));
        breaker.recordSuccess();
        fail(2);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(3));
    }

    @Test
    void afterThePauseExactlyOneProbeGoesThrough() {
        fail(3);
        now.addAndGet(501);
        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state(3));
        assertTrue(breaker.tryAcquire(3), "the probe");
        assertFalse(breaker.tryAcquire(3), "nobody else while the probe runs");
        breaker.recordSuccess();
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(3));
    }

    @Test
    void aFailedProbeOpensTheCircuitAgain() {
        fail(3);
        now.addAndGet(501);
        assertTrue(breaker.tryAcquire(3));
        breaker.recordFailure(3, 500);
        assertFalse(breaker.tryAcquire(3));
    }

    @Test
    void aProbeThatNeverRanIsGivenBack() {
        fail(3);
        now.addAndGet(501);
        assertTrue(breaker.tryAcquire(3));
        breaker.release();
        assertTrue(breaker.tryAcquire(3), "the next caller gets the probe");
    }
}

package dev.mik.sandbox;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Guards made outside a run, and waiting for what the watchdog does to them. */
final class GuardTesting {

    private GuardTesting() {
    }

    /** A guard with the given deadline and generous other limits, whose host and console do nothing. */
    static RunGuard guard(long timeoutMs) {
        return new RunGuard(new ScriptLimits(timeoutMs, 1L << 30, 0), (module, options, remainingNanos) -> "{}",
                (level, message) -> { });
    }

    /** Polls the condition for up to 5 s; whether it became true. */
    static boolean waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }
}

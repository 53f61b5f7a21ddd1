package dev.mik.sandbox;

import java.lang.ref.WeakReference;
import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * The source behind scripts' {@code Math.random}. Nashorn's own calls {@code java.lang.Math.random}, one linear
 * congruential generator for the whole JVM: two values reveal its state, so a run could predict the values of later
 * runs and count how many other runs drew in between, a channel between tenants. Here each run gets its own
 * generator, seeded from {@link SecureRandom} the first time the run draws, so its values say nothing about any
 * other run's.
 */
public final class ScriptRandom {

    private static final SecureRandom SEEDS = new SecureRandom();
    private static final ThreadLocal<RunStream> STREAMS = new ThreadLocal<>();

    /** The generator of one run on this thread; the run is held weakly so a finished one can be collected. */
    private record RunStream(WeakReference<RunGuard> run, SplittableRandom random) {
    }

    ScriptRandom() {
    }

    /** Drops this thread's generator, when its request is done (a pooled thread must not keep mik's classes). */
    public static void forgetThisThread() {
        STREAMS.remove();
    }

    /** A value in [0, 1) from the current run's generator. */
    public double next() {
        RunGuard run = RunGuard.current();
        RunStream stream = STREAMS.get();
        if (stream == null || stream.run().get() != run) {
            stream = new RunStream(new WeakReference<>(run), new SplittableRandom(SEEDS.nextLong()));
            STREAMS.set(stream);
        }
        return stream.random().nextDouble();
    }
}

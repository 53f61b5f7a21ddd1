package dev.mik.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.OptionalDouble;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Math.random} is no channel between runs. Nashorn's one draws from {@code java.lang.Math.random}, a single
 * 48-bit linear congruential generator for the whole JVM: one value gives away its state, so a run could predict
 * the next run's values (and so count how many values other runs drew in between). Here the state behind one
 * run's value must predict nothing of the next run's.
 */
class MathRandomIsolationTest {

    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long ADDEND = 0xBL;
    private static final long MASK = (1L << 48) - 1;

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    @Test
    void oneRunsValueDoesNotPredictTheNextRunsValue() throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            double mine = draw();
            double theirs = draw();
            OptionalDouble predicted = nextAfter(mine);
            assertTrue(predicted.isEmpty() || predicted.getAsDouble() != theirs,
                    "run " + attempt + " predicted the next run's Math.random: " + theirs);
        }
    }

    @Test
    void valuesStayInTheUnitIntervalAndDiffer() throws Exception {
        Set<String> seen = new HashSet<>();
        String values = fixture.runBody("var out = []; for (var i = 0; i < 1000; i++) { out.push(Math.random()); }"
                + " return out.every(function (v) { return v >= 0 && v < 1; }) ? out : 'out of range';").json();
        for (String value : values.substring(1, values.length() - 1).split(",")) {
            seen.add(value);
        }
        assertNotEquals("\"out of range\"", values);
        assertTrue(seen.size() > 990, seen.size() + " distinct values");
    }

    private static double draw() throws Exception {
        return Double.parseDouble(fixture.runBody("return Math.random();").json());
    }

    /**
     * The value java.util.Random would give after {@code value}, if {@code value} came from it: nextDouble is
     * {@code (next(26) << 27 | next(27)) / 2^53}, so the 22 state bits next(26) hides are found by trying each.
     */
    static OptionalDouble nextAfter(double value) {
        long bits = (long) (value * (1L << 53));
        long high = bits >>> 27;
        long low = bits & ((1L << 27) - 1);
        for (long hidden = 0; hidden < 1L << 22; hidden++) {
            long first = high << 22 | hidden;
            long second = step(first);
            if (second >>> 21 == low) {
                long third = step(second);
                long fourth = step(third);
                return OptionalDouble.of(((third >>> 22) << 27 | fourth >>> 21) * 0x1.0p-53);
            }
        }
        return OptionalDouble.empty();
    }

    private static long step(long state) {
        return (state * MULTIPLIER + ADDEND) & MASK;
    }
}

package dev.mik.sandbox;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocation budget holds between any two statements, not only where a loop or function starts: code
 * without loops or calls of its own, whose every statement (or one expression) keeps a fresh 16 MB string,
 * stops within one step of the budget. Every builtin whose work grows with its input checks the budget on
 * entry, and mik's ConsString checks it before it flattens a rope. The thread's allocation during the run is
 * measured and may exceed the budget by at most {@link #ONE_STEP} (the last step's allocation).
 */
class AllocationCheckTest {

    private static final long BUDGET = 128L << 20;
    /** A 16 MB rope flattened and one 16 MB result, with room for the runtime's own allocation. */
    private static final long ONE_STEP = 64L << 20;
    private static final ScriptLimits LIMITS = new ScriptLimits(60_000, BUDGET, 10);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** 8 Mi UTF-16 characters: 16 MB per copy. */
    private static final String BASE = "var base = '\\u0100'.repeat(" + ScriptSandbox.MAX_STRING_LENGTH + " - 2);\n";

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    record StraightLine(String name, String body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<StraightLine> straightLines() {
        return Stream.of(
                new StraightLine("40 statements of toLowerCase",
                        lines(i -> "var s" + i + " = (base + '" + i + "').toLowerCase();") + "return 1;"),
                new StraightLine("one array literal of 40 toLowerCase calls",
                        "return [" + lines(i -> "(base + '" + i + "').toLowerCase(),") + "].length;"),
                new StraightLine("40 statements of slice",
                        lines(i -> "var s" + i + " = base.slice(" + i + ");") + "return 1;"),
                new StraightLine("40 ropes flattened by comparison",
                        lines(i -> "var s" + i + " = base + '" + i + "'; var e" + i + " = s" + i + " === base;")
                                + "return 1;"),
                new StraightLine("40 statements of encodeURIComponent",
                        "var small = base.slice(0, 900000);\n"
                                + lines(i -> "var s" + i + " = encodeURIComponent(small);") + "return 1;"));
    }

    private static String lines(java.util.function.IntFunction<String> line) {
        return IntStream.range(0, 40).mapToObj(line).collect(Collectors.joining("\n", "", "\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("straightLines")
    void straightLineAllocationStopsWithinOneStepOfTheBudget(StraightLine code) throws Exception {
        CompiledScript script = fixture.compile("export default function (input) {\n" + BASE + code.body() + "\n}");

        long before = THREADS.getCurrentThreadAllocatedBytes();
        ScriptAbortedException aborted = assertThrows(ScriptAbortedException.class,
                () -> fixture.run(script, "{}", LIMITS));
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

        assertEquals(AbortReason.ALLOCATION, aborted.getReason());
        System.out.printf("%s: allocated %d MB against a budget of %d MB%n", code.name(), allocated >> 20,
                BUDGET >> 20);
        assertTrue(allocated <= BUDGET + ONE_STEP, code.name() + " allocated " + (allocated >> 20) + " MB");
        fixture.assertHealthy();
    }
}

package dev.mik.sandbox;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One worst case per cost class of builtins.tsv, on the largest input the caps allow: the single call takes
 * less than {@link #BOUND_MS} of CPU (a generous margin over the 500 ms target; CPU, not wall time, because
 * other builds share the two cores; both are printed). The same calls placed in a {@code finally} after the guard
 * tripped end within the deadline plus {@link #GRACE_MS}: a tripped run cannot start one more bounded-but-long
 * builtin.
 */
class BuiltinBoundsTest {

    private static final long BOUND_MS = 1_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Long enough for every setup to finish before the loop the deadline stops. */
    private static final long MAX_TIMEOUT_MS = 8_000;
    private static final long GRACE_MS = 500;
    private static final int STRING = ScriptSandbox.MAX_STRING_LENGTH;
    private static final int ARRAY = BuiltinCaps.MAX_ARRAY_LENGTH;
    private static final int COLLECTION = BuiltinCaps.MAX_COLLECTION_ELEMENTS;
    /** Time and heap for building the inputs; the call itself is timed inside the script. */
    private static final ScriptLimits ROOMY = new ScriptLimits(60_000, 4L << 30, 10);

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    /** @param setup builds the inputs; {@code call} is the one builtin call measured */
    record WorstCase(String name, String setup, String call) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** An array at the length cap, filled by the script the usual way. */
    private static final String FILLED = "var a = []; for (var i = 0; i < " + ARRAY + "; i++) { a.push(i); }";

    static Stream<WorstCase> worstCases() {
        String longA = "var s = 'a'.repeat(" + STRING + ");";
        return Stream.of(
                new WorstCase("O(n·m) search: indexOf", longA + "var p = 'a'.repeat(" + STRING / 8 + ") + 'b';",
                        "s.indexOf(p)"),
                new WorstCase("O(n·m) search: lastIndexOf", longA + "var p = 'b' + 'a'.repeat(" + STRING / 8 + ");",
                        "s.lastIndexOf(p)"),
                new WorstCase("O(n·m) search: includes", longA + "var p = 'a'.repeat(" + STRING / 2 + ") + 'b';",
                        "s.includes(p)"),
                new WorstCase("O(n·m) search: split on a long separator",
                        longA + "var p = 'a'.repeat(" + STRING / 8 + ") + 'b';", "s.split(p)"),
                new WorstCase("O(n·m) search: JDK path at its longest pattern", longA + "var p = 'a'.repeat("
                        + (LinearText.NAIVE_SEARCH_MAX_PATTERN - 1) + ") + 'b';", "s.indexOf(p) + s.split(p).length"),
                new WorstCase("case: expanding upper case", "var s = '\\u0390'.repeat(" + STRING / 3 + ");",
                        "s.toUpperCase()"),
                new WorstCase("case: upper case over the cap", "var s = '\\u00df'.repeat(" + (STRING / 2 + 1) + ");",
                        "s.toLocaleUpperCase()"),
                new WorstCase("case: final sigma", "var s = '\\u03a3'.repeat(" + STRING + ");", "s.toLowerCase()"),
                new WorstCase("case: sigma before long uncased runs",
                        "var s = ('a\\u03a3' + '1'.repeat(1000)).repeat(" + STRING / 1002 + ");", "s.toLowerCase()"),
                new WorstCase("case: expanding lower case", "var s = '\\u0130'.repeat(" + STRING / 2 + ");",
                        "s.toLocaleLowerCase()"),
                new WorstCase("collation at the cap", "var s = '\\u00e9'.repeat(" + BuiltinCaps.MAX_COLLATE_LENGTH
                        + "), t = s.slice(1) + 'f';", "s.localeCompare(t)"),
                new WorstCase("URI encoding to the cap", "var s = '\\u00e9'.repeat(" + STRING / 6 + ");",
                        "encodeURI(s).length + encodeURIComponent(s).length"),
                new WorstCase("URI encoding over the cap", "var s = '\\u0800'.repeat(" + STRING / 8 + ");",
                        "encodeURIComponent(s)"),
                new WorstCase("escape at the cap", "var s = '\\u0100'.repeat(" + STRING / 6 + ");", "escape(s)"),
                new WorstCase("decoding at the cap", "var s = '%C3%A9'.repeat(" + STRING / 6 + ");",
                        "decodeURIComponent(s).length + decodeURI(s).length"),
                new WorstCase("unescape at the cap", "var s = '%u0100'.repeat(" + STRING / 6 + ");", "unescape(s)"),
                new WorstCase("JSON.parse of numbers at the cap", "var s = '[' + '0,'.repeat("
                        + (BuiltinCaps.MAX_JSON_PARSE_LENGTH / 2 - 2) + ") + '0]';", "JSON.parse(s).length"),
                new WorstCase("JSON.parse of objects at the cap", "var s = '[' + '{},'.repeat("
                        + (BuiltinCaps.MAX_JSON_PARSE_LENGTH / 3 - 1) + ") + '{}]';", "JSON.parse(s).length"),
                new WorstCase("JSON.parse over the cap", "var s = ' '.repeat(" + (STRING - 1) + ") + '1';",
                        "JSON.parse(s)"),
                new WorstCase("JSON.stringify to the cap", "var s = 'x'.repeat(" + (BuiltinCaps.MAX_JSON_LENGTH - 16)
                        + ");", "JSON.stringify(s).length"),
                new WorstCase("JSON.stringify of a shared DAG to the cap", "var a = [1];"
                        + " for (var i = 0; i < 30; i++) { a = [a, a]; }", "JSON.stringify(a)"),
                new WorstCase("match /g at the cap", "var s = 'x'.repeat(" + BuiltinCaps.MAX_MATCHES + ");",
                        "s.match(/x/g).length"),
                new WorstCase("match /g over the cap", "var s = 'x'.repeat(" + STRING + ");", "s.match(/x/g)"),
                new WorstCase("keys of a string at the cap", "var s = new String('x'.repeat(" + ARRAY + "));",
                        "Object.keys(s).length + Object.getOwnPropertyNames(s).length"),
                new WorstCase("keys of a string over the cap", "var s = 'x'.repeat(" + STRING + ");",
                        "Object.getOwnPropertyNames(s)"),
                new WorstCase("keys of an array at the cap", "var a = new Array(" + ARRAY + ").fill(0);",
                        "Object.keys(a).length"),
                new WorstCase("default sort of strings at the caps", "var a = [], prefix = 'p'.repeat(75);"
                        + " for (var i = 0; i < " + BuiltinCaps.MAX_DEFAULT_SORT + "; i++) {"
                        + " a.push(prefix + (1e7 - i)); }", "a.sort().length"),
                new WorstCase("array walker slice at the cap", FILLED, "a.slice().length"),
                new WorstCase("array walker reverse at the cap", FILLED, "a.reverse().length"),
                new WorstCase("array concat at the cap", FILLED, "a.concat([]).length"),
                new WorstCase("array indexOf at the cap", FILLED, "a.indexOf(2) + a.lastIndexOf(2)"),
                new WorstCase("array join at the cap", "var a = []; for (var i = 0; i < "
                        + BuiltinCaps.MAX_JOIN_ELEMENTS + "; i++) { a.push(i); }", "a.join().length"),
                new WorstCase("Set from an array at the cap", "var a = []; for (var i = 0; i < " + COLLECTION
                        + "; i++) { a.push(i); }", "new Set(a).size"),
                new WorstCase("Set from an iterator at the cap", "var a = []; for (var i = 0; i < " + COLLECTION
                        + "; i++) { a.push(i); }", "new Set(a.keys()).size"),
                new WorstCase("Set from an array over the cap", FILLED, "new Set(a)"),
                new WorstCase("Map from an array at the cap", "var a = []; for (var i = 0; i < " + COLLECTION
                        + "; i++) { a.push([i, i]); }", "new Map(a).size"),
                new WorstCase("freezing a large array", FILLED,
                        "Object.isFrozen(Object.freeze(a))"),
                new WorstCase("regex compile of the longest pattern", "var s = 'a'.repeat("
                        + GuardedRegExp.MAX_SOURCE_LENGTH + ");",
                        "new RegExp(s).test(s) + new RegExp(s.slice(1) + 'b').test(s)"),
                new WorstCase("regex over the cap", "var s = 'ab'.repeat(" + GuardedRegExp.MAX_SOURCE_LENGTH + ");",
                        "new RegExp(s)"),
                new WorstCase("number parsing", "var s = '1'.repeat(" + STRING + ");",
                        "parseInt(s) + parseFloat(s) + Number(s) + Date.parse(s)"),
                new WorstCase("slices, trims and case of the longest string", "var s = ' '.repeat(" + (STRING - 1)
                        + ") + 'x';",
                        "s.trim().length + s.slice(1).length + s.substring(2).length + s.toUpperCase().length"),
                new WorstCase("fromCharCode with the most arguments", "var a = new Array("
                        + BuiltinCaps.MAX_APPLY_ARGUMENTS + ").fill(233);",
                        "String.fromCharCode.apply(null, a).length"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("worstCases")
    void theWorstCallAtTheCapsEndsInsideTheBound(WorstCase worst) throws Exception {
        CompiledScript setupOnly = fixture.compile("export default function (input) {\n" + worst.setup()
                + "\nreturn [0, 'setup'];\n}");
        CompiledScript withCall = fixture.compile("export default function (input) {\n" + worst.setup()
                + "\nvar t0 = Date.now(), outcome;\n"
                + "try { outcome = String(" + worst.call() + ").length; } catch (e) {\n"
                + "  if (!(e instanceof RangeError) && !(e instanceof SyntaxError)) { throw e; }\n"
                + "  outcome = e.name;\n}\n"
                + "return [Date.now() - t0, outcome];\n}");

        long setupCpu = cpuOfRun(setupOnly).cpuMs();
        Measured run = cpuOfRun(withCall);
        long callCpuMs = Math.max(0, run.cpuMs() - setupCpu);

        System.out.printf("worst case %s: %d ms CPU, %s ms wall (%s)%n", worst.name(), callCpuMs, run.wallMs(),
                run.outcome());
        assertTrue(callCpuMs < BOUND_MS, worst.name() + " took " + callCpuMs + " ms of CPU");
    }

    /** @param wallMs the call's wall time as the script saw it; {@code cpuMs} is the whole run's thread CPU */
    record Measured(long cpuMs, String wallMs, String outcome) {
    }

    /**
     * The run's thread CPU time: the script runs on this thread. CPU time, unlike wall time, does not grow when
     * other builds share the two cores; the call's share is this minus the same run without the call.
     */
    private static Measured cpuOfRun(CompiledScript script) throws Exception {
        long before = THREADS.getCurrentThreadCpuTime();
        String[] reply = fixture.run(script, "{}", ROOMY).json().replaceAll("[\\[\\]\"]", "").split(",");
        return new Measured(TimeUnit.NANOSECONDS.toMillis(THREADS.getCurrentThreadCpuTime() - before), reply[0],
                reply[1]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("worstCases")
    void theSameCallInAFinallyAfterTheGuardTrippedEndsWithTheRun(WorstCase worst) throws Exception {
        // the host call marks the end of the setup: a trip before it would leave the finally untested
        CompiledScript script = fixture.compile("export default function (input) {\n" + worst.setup()
                + "\nhost.call('setup-done', {});\ntry { for (;;) {} } finally { " + worst.call() + "; }\n}");
        long setupMs = cpuOfRun(fixture.compile("export default function (input) {\n" + worst.setup()
                + "\nreturn [0, 'setup'];\n}")).cpuMs();
        // the deadline falls in the loop, well after the setup, without spinning for seconds per case
        for (long timeoutMs = 3 * setupMs + 200; ; timeoutMs *= 2) {
            fixture.hostCalls.clear();
            ScriptLimits limits = new ScriptLimits(timeoutMs, 4L << 30, 10);
            long start = System.nanoTime();
            ScriptAbortedException aborted = assertThrows(ScriptAbortedException.class,
                    () -> fixture.run(script, "{}", limits));
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(AbortReason.TIMEOUT, aborted.getReason());
            if (fixture.hostCalls.isEmpty()) { // the machine was slower than the setup measured: a longer deadline
                assertTrue(timeoutMs < MAX_TIMEOUT_MS, worst.name() + ": the setup never ended before the deadline");
                continue;
            }
            System.out.println("after a trip " + worst.name() + ": " + elapsedMs + " ms, deadline " + timeoutMs);
            assertTrue(elapsedMs <= timeoutMs + GRACE_MS, worst.name() + " took " + elapsedMs + " ms");
            return;
        }
    }
}

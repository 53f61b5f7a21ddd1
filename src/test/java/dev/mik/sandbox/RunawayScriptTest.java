package dev.mik.sandbox;

import dev.mik.watch.Watchdog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scripts that would run forever, recurse without end, backtrack catastrophically or allocate without
 * bound: each ends with {@link ScriptAbortedException} within the deadline plus 500 ms, and the same thread
 * then runs a normal script.
 */
class RunawayScriptTest {

    private static final long TIMEOUT_MS = 500;
    private static final long GRACE_MS = 500;
    private static final ScriptLimits LIMITS = new ScriptLimits(TIMEOUT_MS, 64L << 20, 10);

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    record Runaway(String name, String body, AbortReason reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Runaway> runaways() {
        String quadratic = "'" + "a".repeat(34) + "c'";
        return Stream.of(
                new Runaway("while (true) {}", "while (true) {}", AbortReason.TIMEOUT),
                new Runaway("for (;;);", "for (;;);", AbortReason.TIMEOUT),
                new Runaway("do-while without braces", "var n = 0; do n++; while (true)", AbortReason.TIMEOUT),
                new Runaway("for (let ...) with continue", "for (let i = 0; ; i++) { if (i % 2) continue; }",
                        AbortReason.TIMEOUT),
                new Runaway("labelled continue", "outer: for (;;) { for (;;) { continue outer; } }",
                        AbortReason.TIMEOUT),
                new Runaway("catch and continue", "for (;;) { try { while (true) {} } catch (e) {} }",
                        AbortReason.TIMEOUT),
                new Runaway("finally swallows the abort and returns",
                        "try { for (;;) {} } finally { return 'swallowed'; }", AbortReason.TIMEOUT),
                new Runaway("deep recursion", "function f(n) { return f(n + 1) + 1; } return f(0);", AbortReason.STACK),
                new Runaway("recursion caught and retried",
                        "function f() { return f(); } for (;;) { try { f(); } catch (e) {} }", AbortReason.STACK),
                new Runaway("catastrophic regex (a+)+b", "return /(a+)+b/.test('" + "a".repeat(40) + "c')"
                        + " || /(a|aa)+$/.test(" + quadratic + ") || /(a+)+\\1b/.test(" + quadratic + ");",
                        AbortReason.TIMEOUT),
                new Runaway("polynomial regex a*a*a*a*a*a*b", "return /a*a*a*a*a*a*b/.test('a'.repeat(3200));",
                        AbortReason.TIMEOUT),
                new Runaway("catastrophic regex caught", "try { /(a+)+\\1b/.test(" + quadratic + "); } catch (e) {}"
                        + " return 'swallowed';", AbortReason.TIMEOUT),
                new Runaway("array growth", "var a = []; for (;;) { a.push({n: a.length, s: 'x' + a.length}); }",
                        AbortReason.ALLOCATION),
                new Runaway("string growth", "var kept = [], s = ''; for (;;) { s += 'abcdefghij';"
                        + " if (s.length >= 100000) { kept.push(s.toUpperCase()); s = ''; } }", AbortReason.ALLOCATION),
                new Runaway("doubling and flattening", "var s = 'x'; for (;;) { try { s = s + s; }"
                        + " catch (e) { s = 'y'; } s.charAt(0); }", AbortReason.ALLOCATION),
                new Runaway("exponential JSON", "var a = [1]; for (var i = 0; i < 40; i++) { a = [a, a]; }"
                        + " return JSON.stringify(a).length;", AbortReason.ALLOCATION),
                new Runaway("loop in a sort comparator", "return [3, 1, 2].sort(function (a, b) { while (true) {} });",
                        AbortReason.TIMEOUT),
                new Runaway("loop in a forEach arrow", "[1, 2].forEach(x => { for (;;) {} });", AbortReason.TIMEOUT),
                new Runaway("loop in a getter", "var o = { get x() { for (;;) {} } }; return o.x;",
                        AbortReason.TIMEOUT),
                new Runaway("loop in toString", "var o = { toString() { for (;;) {} } }; return '' + o;",
                        AbortReason.TIMEOUT),
                new Runaway("loop in a replace callback", "return 'aaa'.replace(/a/g, function () { for (;;) {} });",
                        AbortReason.TIMEOUT),
                new Runaway("loop in a JSON reviver",
                        "return JSON.parse('{\"a\":1}', function (k, v) { for (;;) {} });",
                        AbortReason.TIMEOUT),
                new Runaway("host calls in a loop", "for (;;) { try { host.call('a', {}); } catch (e) {} }",
                        AbortReason.MAX_CALLS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runaways")
    void runawayEndsWithinTheDeadlineAndTheThreadRunsOn(Runaway runaway) throws Exception {
        CompiledScript script = fixture.compile("export default function (input) {\n" + runaway.body() + "\n}");

        long start = System.nanoTime();
        ScriptAbortedException aborted = assertThrows(ScriptAbortedException.class,
                () -> fixture.run(script, "{}", LIMITS));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        if (runaway.reason() == AbortReason.ALLOCATION && aborted.getReason() == AbortReason.TIMEOUT) {
            // on a starved CPU the deadline can come before the allocation budget is spent: still a correct stop
            assertTrue(elapsedMs >= TIMEOUT_MS, runaway.name() + " timed out early, after " + elapsedMs + " ms");
        } else {
            assertEquals(runaway.reason(), aborted.getReason());
        }
        assertTrue(elapsedMs <= TIMEOUT_MS + GRACE_MS, runaway.name() + " took " + elapsedMs + " ms");
        fixture.assertHealthy();
    }

    @Test
    void cpuBudgetStopsABusyScriptBeforeTheDeadline() throws Exception {
        CompiledScript script = fixture.compile("export default function (input) { for (;;) {} }");

        long start = System.nanoTime();
        ScriptAbortedException aborted = assertThrows(ScriptAbortedException.class,
                () -> fixture.run(script, "{}", new ScriptLimits(5_000, 64L << 20, 10, 200)));

        assertEquals(AbortReason.CPU, aborted.getReason());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 2_000);
    }

    @Test
    void slowHostCallsCountAgainstTheDeadline() throws Exception {
        CompiledScript script = fixture.compile("export default function (input) { host.call('slow', {}); return 1; }");
        HostBridge slow = (module, options, remainingNanos) -> {
            try {
                Thread.sleep(TIMEOUT_MS + 100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "{\"status\":200}";
        };

        ScriptAbortedException aborted = assertThrows(ScriptAbortedException.class,
                () -> fixture.sandbox.run(script, "{}", SandboxFixture.REQUEST, slow, fixture.console, LIMITS));
        assertEquals(AbortReason.TIMEOUT, aborted.getReason());
    }

    /**
     * A handler runs on the script's thread, and its own deadline stops it with an interrupt that it clears before
     * the call returns: the watchdog, polling meanwhile, must not take that interrupt for the container's.
     */
    @Test
    void aHandlersDeadlineInterruptInsideAHostCallIsNotTheScripts() throws Exception {
        CompiledScript script = fixture.compile("export default function (input) {\n"
                + "  var n = 0; for (var i = 0; i < 5; i++) { n += host.call('slow', {}).status; } return n; }");
        HostBridge interruptedInside = (module, options, remainingNanos) -> {
            Thread.currentThread().interrupt();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(4 * Watchdog.PERIOD_MS);
            while (System.nanoTime() < until) {
                Thread.onSpinWait(); // the watchdog polls several times while the flag is set
            }
            Thread.interrupted();
            return "{\"status\":504}";
        };
        ScriptResult result = fixture.sandbox.run(script, "{}", SandboxFixture.REQUEST, interruptedInside,
                fixture.console, LIMITS);
        assertEquals("2520", result.json());
    }

    @Test
    void anInterruptedRunEndsAsATimeoutLongBeforeItsDeadline() throws Exception {
        CompiledScript script = fixture.compile("export default function (input) { for (;;) {} }");
        Thread runner = Thread.currentThread();
        Thread canceller = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            runner.interrupt();
        });

        long start = System.nanoTime();
        canceller.start();
        try {
            ScriptAbortedException aborted = assertThrows(ScriptAbortedException.class,
                    () -> fixture.run(script, "{}", new ScriptLimits(10_000, 64L << 20, 10)));
            assertEquals(AbortReason.TIMEOUT, aborted.getReason());
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 2_000);
        } finally {
            // the run ends only because of the interrupt, so it has happened: clear the flag before waiting
            Thread.interrupted();
            canceller.join();
        }
        fixture.assertHealthy();
    }

    @Test
    void aBudgetJustAboveTheWorkLetsTheScriptFinish() throws Exception {
        CompiledScript script = fixture.compile(
                "export default function (input) { var n = 0; for (var i = 0; i < 100000; i++) { n += i; }"
                        + " return n; }");

        assertEquals("4999950000", fixture.run(script, "{}", LIMITS).json());
    }

    @Test
    void workTheHostDoesInsideHostCallIsNotChargedToTheScript() throws Exception {
        CompiledScript script = fixture.compile("export default function (input) {\n"
                + "  var total = 0;\n"
                + "  for (var i = 0; i < 3; i++) { total += host.call('heavy', {}).status; }\n"
                + "  return total;\n}");
        HostBridge heavy = (module, options, remainingNanos) -> {
            byte[][] garbage = new byte[40][];
            for (int i = 0; i < garbage.length; i++) {
                garbage[i] = new byte[1 << 20];   // 40 MiB per call, 120 MiB in all: twice the budget
            }
            return "{\"status\":" + (200 + garbage.length - 40) + "}";
        };
        ScriptResult result = fixture.sandbox.run(script, "{}", SandboxFixture.REQUEST, heavy, fixture.console,
                new ScriptLimits(5_000, 64L << 20, 10));
        assertEquals("600", result.json());
    }
}

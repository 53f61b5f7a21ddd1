package dev.mik.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every finally block starts with the guard: once a run has tripped, the finally blocks on its way out are skipped
 * instead of each running its straight-line work, and an untripped run's finally blocks behave as usual.
 */
class FinallyGuardTest {

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    @Test
    void finallyBlocksOfATrippedRunDoNotRunOneAfterAnother() throws Exception {
        CompiledScript script = fixture.compile("""
                export default function (input) {
                  var s = '1'.repeat(8000000); s.charAt(0); var x = 0;
                  function f(n) { try { if (n > 0) f(n - 1); else while (true) {} } finally { x = s | 0; x = s | 0; } }
                  f(30);
                  return x;
                }
                """);
        ScriptLimits limits = new ScriptLimits(1_000, 1L << 30, 1);
        long started = System.nanoTime();
        ScriptAbortedException aborted = assertThrows(ScriptAbortedException.class,
                () -> fixture.run(script, "{}", limits));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(AbortReason.TIMEOUT, aborted.getReason());
        assertTrue(tookMs < 1_000 + 500 + 1_000,
                "ended " + tookMs + " ms after it started (building the string included)");
    }

    @Test
    void anUntrippedRunsFinallyBlocksRunAsUsual() throws Exception {
        assertEquals("[1,2,\"done\"]", fixture.runBody("""
                var log = [];
                function f() { try { return 1; } finally { log.push(1); } }
                function g() { try { throw new Error('x'); } catch (e) { log.push(2); } finally { log.push('done'); } }
                f(); g();
                return log;
                """).json());
    }

    @Test
    void aFinallyWithoutBracesCannotBeWrittenSoEveryFinallyIsGuarded() throws Exception {
        String instrumented = fixture.compile("export default function (input) {\n"
                + "  try { return 1; } finally { input = 2; }\n}").instrumentedSource();
        assertTrue(instrumented.contains("finally {" + GuardInjector.TICK), instrumented);
    }
}

package dev.mik.script;

import dev.mik.http.ServerInfo;
import dev.mik.observability.TraceContext;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemResponses;
import dev.mik.run.HandlerCalls;
import dev.mik.run.HandlerResponse;
import dev.mik.sandbox.SandboxFixture;
import dev.mik.sandbox.ScriptLimits;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fourth red team (2026-12-01), against what one {@code host.call} allocates on the Java side, where the sandbox's
 * allocation budget does not look until the call has returned: options within the 8 Mi JSON cap whose path is 4 Mi
 * characters that percent-encode to 9 each ({@code \uffff} is {@code %EF%BF%BF}) are read (JSON-P, then JSON-B), made
 * a path, a raw path 36 Mi characters long and a full URL, before any handler limit looks at them.
 */
class HostCallAllocationRedTeamTest {

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    private static final ProblemResponses PROBLEMS = new ProblemResponses() {
        @Override
        public JsonObject body(ProblemException problem) {
            return Json.createObjectBuilder().add("code", problem.type().code()).build();
        }
    };
    private static final HostCallBridge.Origin ORIGIN = new HostCallBridge.Origin("/mik", "http://localhost/mik/",
            new ServerInfo("localhost", 80, "HTTP/1.1", "127.0.0.1"), "request-1", TraceContext.unrecorded());
    /** The script's whole allocation budget in this test. */
    private static final long BUDGET = 64L << 20;

    /** A handler side that looks at nothing: what is measured is the bridge's own work. */
    private static final HandlerCalls HANDLERS = (call, maxTimeoutMs) ->
            new HandlerResponse(200, List.of(java.util.Map.entry("Content-Type", "text/plain")), new byte[0]);

    @Test
    void oneCallsOwnAllocationStaysWithinTheScriptsBudget() throws Exception {
        String options = "{\"path\":\"" + "\uffff".repeat(4_000_000) + "\"}";
        HostCallBridge bridge = new HostCallBridge(HANDLERS, PROBLEMS, ORIGIN);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        long started = System.nanoTime();
        bridge.call("echo", options, TimeUnit.SECONDS.toNanos(5));
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertTrue(allocated <= BUDGET, "one host.call allocated " + (allocated >> 20) + " MiB in " + ms
                + " ms (the script's budget: " + (BUDGET >> 20) + " MiB)");
    }

    /**
     * The same through a script with the default budget (mik.script.memory-max-bytes, 128 MiB), three calls: RunGuard
     * leaves a host call's allocation out of the run's (hostAllocated), so nothing stops the calls.
     */
    @Test
    void aScriptMakingThatCallEndsWithinItsBudget() throws Exception {
        var script = fixture.compile("export default function (input) {\n"
                + "  var p = '\\uffff'.repeat(2000000);\n"
                + "  for (var i = 0; i < 10; i++) { host.call('echo', { path: p }); } return 1;\n}");
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        HostCallBridge bridge = new HostCallBridge((call, max) -> {
            calls.incrementAndGet();
            return HANDLERS.call(call, max);
        }, PROBLEMS, ORIGIN);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        String outcome;
        try {
            outcome = "returned " + fixture.sandbox.run(script, "{}", SandboxFixture.REQUEST, bridge,
                    fixture.console, new ScriptLimits(5_000, 2 * BUDGET, 10)).json();
        } catch (Exception e) {
            outcome = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated <= 2 * BUDGET + (64L << 20), "the run allocated " + (allocated >> 20) + " MiB, "
                + calls.get() + " calls reached the handler side: " + outcome);
    }
}

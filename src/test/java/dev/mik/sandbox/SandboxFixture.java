package dev.mik.sandbox;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One sandbox per test class, a stub host that answers every call with 200 and echoes the call. A test class holds it
 * in a {@code @RegisterExtension static} field, and JUnit closes it after the class's last test.
 */
public final class SandboxFixture implements AfterAllCallback, AutoCloseable {

    public static final String REQUEST = "{\"method\":\"POST\",\"path\":\"/script/t\",\"query\":{\"q\":\"1\"},"
            + "\"headers\":{\"content-type\":\"application/json\"}}";
    public static final ScriptLimits LIMITS = new ScriptLimits(1_000, 64L << 20, 10);
    /** Deadline of {@link #LIMITS} plus the 500 ms the README promises. */
    static final long BOUND_MS = LIMITS.timeoutMs() + 500;
    /** The allocation budget of {@link #LIMITS} plus generous slack for the runner's own work. */
    static final long BOUND_BYTES = LIMITS.maxAllocatedBytes() + (64L << 20);

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    /** What one run cost on this thread, whatever it ended with. */
    record Cost(long millis, long bytes, String outcome) {
    }

    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "script-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    public final ScriptSandbox sandbox = new ScriptSandbox(scheduler);
    public final List<String> hostCalls = new CopyOnWriteArrayList<>();
    final List<String> logLines = new CopyOnWriteArrayList<>();
    final HostBridge host = (module, options, remainingNanos) -> {
        hostCalls.add(module + " " + options);
        return "{\"status\":200,\"headers\":{\"content-type\":\"application/json\"},\"body\":{\"module\":\""
                + module + "\",\"options\":" + options + "}}";
    };
    public final ScriptConsole console = (level, message) -> logLines.add(level + " " + message);

    public CompiledScript compile(String source) throws ScriptCompileException {
        return sandbox.compile("test", source);
    }

    /** Compiles {@code export default function (input) { <body> }} and runs it with the default limits. */
    ScriptResult runBody(String body) throws Exception {
        return run("export default function (input) {\n" + body + "\n}", "{}");
    }

    ScriptResult run(String source, String input) throws Exception {
        return run(compile(source), input, LIMITS);
    }

    ScriptResult run(CompiledScript script, String input, ScriptLimits limits) throws Exception {
        return sandbox.run(script, input, REQUEST, host, console, limits);
    }

    /** Runs a function body like {@link #runBody}; its wall time and this thread's allocation, compiling excluded. */
    Cost measure(String body) {
        CompiledScript script;
        try {
            script = compile("export default function (input) {\n" + body + "\n}");
        } catch (ScriptCompileException e) {
            return new Cost(0, 0, "ScriptCompileException: " + e.getMessage());
        }
        long start = System.nanoTime();
        long allocated = THREADS.getCurrentThreadAllocatedBytes();
        String outcome;
        try {
            outcome = "returned " + run(script, "{}", LIMITS).json();
        } catch (Exception e) {
            outcome = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        return new Cost((System.nanoTime() - start) / 1_000_000,
                THREADS.getCurrentThreadAllocatedBytes() - allocated, outcome);
    }

    /** The run ends within {@link #BOUND_MS} and {@link #BOUND_BYTES}, and the sandbox is healthy after it. */
    void assertBounded(String body) throws Exception {
        assertBounded(body, 0);
    }

    /** Like {@link #assertBounded(String)}, allowing {@code moreBytes} past the usual bound. */
    void assertBounded(String body, long moreBytes) throws Exception {
        Cost cost = measure(body);
        org.junit.jupiter.api.Assertions.assertTrue(cost.millis() <= BOUND_MS, "ran " + cost.millis() + " ms (bound "
                + BOUND_MS + " ms): " + cost.outcome());
        org.junit.jupiter.api.Assertions.assertTrue(cost.bytes() <= BOUND_BYTES + moreBytes, "allocated "
                + (cost.bytes() >> 20) + " MiB (bound " + ((BOUND_BYTES + moreBytes) >> 20) + " MiB): "
                + cost.outcome());
        assertHealthy();
    }

    /** A plain script that must still give the right answer after whatever ran before it. */
    void assertHealthy() throws Exception {
        ScriptResult result = run("var base = 40;\nexport default function (input) {\n"
                + "  var o = {}; var a = [2, 1];\n"
                + "  return { sum: base + input.n, keys: Object.keys(o).length, sorted: a.sort().join(),"
                + " polluted: ({}).polluted, pushed: [].push(1) };\n}", "{\"n\":2}");
        assertEquals("{\"sum\":42,\"keys\":0,\"sorted\":\"1,2\",\"pushed\":1}", result.json());
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        close();
    }

    @Override
    public void close() throws InterruptedException {
        sandbox.close();
        scheduler.shutdownNow();
        scheduler.awaitTermination(1, TimeUnit.SECONDS);
    }
}

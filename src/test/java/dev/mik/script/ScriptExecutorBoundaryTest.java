package dev.mik.script;

import dev.mik.config.MikConfig;
import dev.mik.http.ServerInfo;
import dev.mik.lifecycle.MikScheduler;
import dev.mik.memory.HeapPressure;
import dev.mik.memory.MemoryBudget;
import dev.mik.memory.MemoryPool;
import dev.mik.observability.Metrics;
import dev.mik.observability.TraceContext;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemResponses;
import dev.mik.problem.ProblemType;
import dev.mik.run.HandlerCalls;
import dev.mik.run.HandlerRequest;
import dev.mik.run.HandlerResponse;
import dev.mik.sandbox.ScriptSandbox;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The script control without a server: what {@link ScriptExecutor} does around the sandbox (input limits, the input's
 * memory, heap pressure, OOM) and with a run (its deadline, allocation and call limits, the script concurrency limit,
 * what a {@code host.call} gets and what the run answers), its {@code host.call}s going to a scripted handler side.
 */
class ScriptExecutorBoundaryTest {

    private static final long MAX_NODES = 1_000;

    @TempDir
    Path scripts;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final RecordingBudget memory = new RecordingBudget(64L << 20);
    private final SwitchablePressure pressure = new SwitchablePressure();
    private ScriptExecutor executor;
    private TestConfig config;

    @BeforeEach
    void start() throws Exception {
        // it reports what it saw by throwing it, so these tests need no JAX-RS runtime to read a response
        Files.writeString(scripts.resolve("count.js"), "export default function (input) {"
                + " throw new Error('n=' + (input === null ? -1 : input.length)); }");
        executor = new ScriptExecutor();
        config = new TestConfig(scripts);
        executor.config = config;
        executor.metrics = new Metrics();
        executor.problems = new ProblemResponses() {
            @Override
            public JsonObject body(ProblemException problem) {
                return document(problem.type(), problem.detail(), "/script/test", "req-1", problem.extensions());
            }
        };
        executor.memory = memory;
        executor.pressure = pressure;
        executor.scheduling = new MikScheduler() {
            @Override
            public ScheduledExecutorService executor() {
                return scheduler;
            }
        };
        executor.start();
    }

    @AfterEach
    void stop() {
        executor.stop();
        scheduler.shutdownNow();
    }

    @Test
    void theRedTeamsFloodIs413AndTheSandboxNeverBuildsIt() {
        byte[] flood = ("[" + "{},".repeat(3_400_000) + "{}]").getBytes(StandardCharsets.US_ASCII);
        long started = System.nanoTime();
        ProblemException refused = assertThrows(ProblemException.class, () -> executor.run(request(flood)));
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertEquals(ProblemType.REQUEST_TOO_LARGE, refused.type());
        assertEquals(List.of(), memory.admitted, "nothing reserved for an input that was refused");
        assertTrue(millis < 3_000, "refused after " + millis + " ms");
    }

    @Test
    void malformedInputIs400InvalidInputAndDeepInputIs413() {
        assertEquals(ProblemType.INVALID_INPUT, assertThrows(ProblemException.class,
                () -> executor.run(request(bytes("[1,")))).type());
        int deep = ScriptSandbox.MAX_INPUT_NESTING + 1;
        assertEquals(ProblemType.REQUEST_TOO_LARGE, assertThrows(ProblemException.class,
                () -> executor.run(request(bytes("[".repeat(deep) + "]".repeat(deep))))).type());
    }

    @Test
    void theInputsEstimatedHeapIsHeldWhileTheRunLastsAndGivenBackAfter() {
        byte[] body = bytes("[" + "{},".repeat(99) + "{}]");
        assertSaw(100, body);

        assertEquals(List.of(ScriptInput.of(body, MAX_NODES).estimatedHeapBytes() + ScriptRuns.FIRST_RESERVATION),
                memory.admitted);
        assertEquals(0, memory.pool().reserved(), "everything given back");
        assertSaw(-1, new byte[0]);
    }

    @Test
    void anInputThePoolCannotHoldIs503NotAScriptFailure() {
        memory.shrinkTo(1_000);
        ProblemException refused = assertThrows(ProblemException.class,
                () -> executor.run(request(bytes("[" + "1,".repeat(500) + "1]"))));
        assertEquals(ProblemType.OVERLOADED, refused.type());
        assertEquals("memory", refused.extensions().get("reason"));
        assertEquals(1, refused.retryAfterSeconds());
    }

    @Test
    void anOutOfMemoryErrorAtTheRunsBoundaryIs500ScriptLimitAndTheNextRunWorks() {
        memory.failNextWith = new OutOfMemoryError("Java heap space");
        ProblemException limit = assertThrows(ProblemException.class, () -> executor.run(request(bytes("[1]"))));

        assertEquals(ProblemType.SCRIPT_LIMIT, limit.type());
        assertEquals("ALLOCATION", limit.extensions().get("limit"));
        assertSaw(2, bytes("[1,2]"));
    }

    @Test
    void underHeapPressureNoScriptStartsAndTheExecutorOffersToShed() {
        pressure.refusing = true;
        ProblemException refused = assertThrows(ProblemException.class, () -> executor.run(request(bytes("[1]"))));
        assertEquals(ProblemType.OVERLOADED, refused.type());
        assertEquals(1, pressure.shedders.size(), "the executor registered itself as a shedder");
        assertEquals(0, pressure.shedders.get(0).applyAsInt(4), "no script is running, so none is stopped");
        assertEquals(List.of(), memory.admitted);

        pressure.refusing = false;
        assertSaw(1, bytes("[1]"));
    }

    /** The handler side of the run tests: answers 200 with the module's name, or what a test sets per module. */
    private final Map<String, Function<HandlerRequest, HandlerResponse>> handlerSide = new ConcurrentHashMap<>();
    private final List<Long> offeredTimeouts = new CopyOnWriteArrayList<>();
    private final HandlerCalls handlers = (call, maxTimeoutMs) -> {
        offeredTimeouts.add(maxTimeoutMs);
        return handlerSide.getOrDefault(call.module().value(), request -> new HandlerResponse(200,
                List.of(Map.entry("Content-Type", "text/plain")), bytes(request.module().value()))).apply(call);
    };

    private HostCallBridge.Outcome runScript(String name, String source) throws Exception {
        Files.writeString(scripts.resolve(name + ".js"), source);
        return executor.scriptRuns.run(request(name, bytes("{}")), handlers);
    }

    private ProblemException refusedRun(String name, String source) {
        return assertThrows(ProblemException.class, () -> runScript(name, source));
    }

    private void assertEverythingGivenBack() {
        assertEquals(0, memory.pool().reserved(), "the run's memory given back");
        assertTrue(executor.metrics.prometheusText().contains("\nmik_scripts_in_flight 0\n"),
                "the run's concurrency slot given back");
    }

    @Test
    void aScriptPastItsDeadlineIs504TimeoutNamingTheSetting() {
        config.timeoutMs = 300;
        long started = System.nanoTime();
        ProblemException timedOut = refusedRun("spin", "export default function () { for (;;) { } }");
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertEquals(ProblemType.TIMEOUT, timedOut.type());
        assertEquals(504, timedOut.type().status());
        assertEquals(300L, timedOut.extensions().get("timeoutMs"));
        assertTrue(timedOut.detail().contains("mik.script.timeout-ms"), timedOut.detail());
        assertTrue(millis < 300 + 1_000, "stopped after " + millis + " ms");
        assertEverythingGivenBack();
    }

    @Test
    void aScriptOverItsAllocationBudgetIs500ScriptLimitAndItsMemoryComesBack() {
        memory.shrinkTo(1L << 30);
        config.memoryMaxBytes = 16L << 20;
        ProblemException limit = refusedRun("hoard", "export default function () { var s = '', kept = [];"
                + " for (;;) { s += 'abcdefghij'; if (s.length >= 100000) { kept.push(s.toUpperCase()); s = ''; } } }");

        assertEquals(ProblemType.SCRIPT_LIMIT, limit.type(), limit::detail);
        assertEquals("ALLOCATION", limit.extensions().get("limit"));
        assertTrue(limit.detail().contains("mik.script.memory-max-bytes"), limit.detail());
        assertEverythingGivenBack();
    }

    @Test
    void moreHostCallsThanAllowedIs500ScriptLimitAndTheCallsBeforeItRan() {
        ProblemException limit = refusedRun("chatty", "export default function () {"
                + " for (var i = 0; i < 6; i++) { host.call('auth', {}); } return 1; }");

        assertEquals(ProblemType.SCRIPT_LIMIT, limit.type());
        assertEquals("MAX_CALLS", limit.extensions().get("limit"));
        assertEquals(config.scriptMaxCalls(), offeredTimeouts.size(), "the calls within the limit ran");
        assertEverythingGivenBack();
    }

    @Test
    void aHandlerIsOfferedNoMoreThanWhatIsLeftOfTheScriptsDeadline() throws Exception {
        config.timeoutMs = 2_000;
        handlerSide.put("slow", request -> {
            sleep(300);
            return new HandlerResponse(204, List.of(), new byte[0]);
        });
        runScript("twice", "export default function () { host.call('slow', {}); host.call('slow', {});"
                + " return { ok: true }; }");

        assertEquals(2, offeredTimeouts.size());
        assertTrue(offeredTimeouts.get(0) <= 2_000 && offeredTimeouts.get(0) > 1_500, offeredTimeouts::toString);
        assertTrue(offeredTimeouts.get(1) <= offeredTimeouts.get(0) - 250, offeredTimeouts::toString);
    }

    @Test
    void aCallsProblemReturnedAsItIsIsTheAnswerAndOtherwiseAResultTheScriptReads() throws Exception {
        handlerSide.put("payment", request -> {
            throw new ProblemException(ProblemType.CIRCUIT_OPEN, "Module 'payment' is failing.", 5,
                    Map.of("module", "payment"));
        });
        HostCallBridge.Outcome passed = runScript("pass", "export default function () {"
                + " return host.call('payment', {}); }");
        assertTrue(passed instanceof HostCallBridge.Failed, passed::toString);
        assertEquals(ProblemType.CIRCUIT_OPEN, ((HostCallBridge.Failed) passed).problem().type());
        assertEquals(503, passed.status());

        HostCallBridge.Outcome read = runScript("read", "export default function () {"
                + " var r = host.call('payment', {}); return { status: 202, body: { saw: r.status + ' ' + r.error } };"
                + " }");
        HandlerResponse answer = ((HostCallBridge.Answered) read).response();
        assertEquals(202, answer.status());
        assertEquals("{\"status\":202,\"body\":{\"saw\":\"503 CIRCUIT_OPEN\"}}",
                new String(answer.body(), StandardCharsets.UTF_8));
        assertEverythingGivenBack();
    }

    @Test
    void aHandlersResponseReturnedAsItIsIsSentWithItsStatusHeadersAndBody() throws Exception {
        handlerSide.put("orders", request -> new HandlerResponse(201,
                List.of(Map.entry("Content-Type", "application/json"), Map.entry("Location", "/orders/7")),
                bytes("{\"id\":7}")));
        HostCallBridge.Outcome passed = runScript("create", "export default function () {"
                + " return host.call('orders', { body: { item: 1 } }); }");

        HandlerResponse answer = ((HostCallBridge.Answered) passed).response();
        assertEquals(201, answer.status());
        assertEquals("/orders/7", answer.header("Location"));
        assertEquals("{\"id\":7}", new String(answer.body(), StandardCharsets.UTF_8));
    }

    @Test
    void aScriptBeyondTheConcurrencyLimitIs503OverloadedAndTheSlotComesBack() throws Exception {
        config.concurrencyMax = 1;
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        handlerSide.put("gate", request -> {
            inside.countDown();
            await(release);
            return new HandlerResponse(204, List.of(), new byte[0]);
        });
        Files.writeString(scripts.resolve("held.js"), "export default function () { host.call('gate', {});"
                + " return 1; }");
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<HostCallBridge.Outcome> first = other.submit(() -> executor.scriptRuns.run(request("held",
                    bytes("{}")), handlers));
            assertTrue(inside.await(10, TimeUnit.SECONDS), "the first run reached its host.call");
            ProblemException refused = refusedRun("second", "export default function () { return 2; }");
            assertEquals(ProblemType.OVERLOADED, refused.type());
            assertEquals("scripts", refused.extensions().get("reason"));
            assertTrue(refused.detail().contains("mik.script.concurrency.max"), refused.detail());
            release.countDown();
            assertEquals(200, first.get(10, TimeUnit.SECONDS).status());
        } finally {
            release.countDown();
            other.shutdownNow();
        }
        assertEquals(200, runScript("third", "export default function () { return 3; }").status());
        assertEverythingGivenBack();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The script ran and saw an input of {@code length} ({@code -1}: null). */
    private void assertSaw(int length, byte[] body) {
        ProblemException reported = assertThrows(ProblemException.class, () -> executor.run(request(body)));
        assertEquals(ProblemType.SCRIPT_ERROR, reported.type(), reported::detail);
        assertTrue(reported.detail().endsWith("n=" + length), reported.detail());
    }

    private static ScriptRequest request(byte[] body) {
        return request("count", body);
    }

    private static ScriptRequest request(String script, byte[] body) {
        return new ScriptRequest(new ScriptName(script), "POST", "/", Map.of(), Map.of(), body,
                new HostCallBridge.Origin("", "http://localhost/", new ServerInfo("localhost", 80, "HTTP/1.1",
                        "127.0.0.1"), "req-1", TraceContext.continueOrStart(null)));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static final class TestConfig extends MikConfig {
        private final Path scripts;
        long timeoutMs = 5_000;
        long memoryMaxBytes = 64L << 20;
        int concurrencyMax = 4;

        TestConfig(Path scripts) {
            this.scripts = scripts;
        }

        @Override
        public Path scriptsDir() {
            return scripts;
        }

        @Override
        public long scriptMaxSourceBytes() {
            return 1 << 20;
        }

        @Override
        public int scriptConcurrencyMax() {
            return concurrencyMax;
        }

        @Override
        public long scriptInputMaxNodes() {
            return MAX_NODES;
        }

        @Override
        public long scriptTimeoutMs() {
            return timeoutMs;
        }

        @Override
        public long scriptMemoryMaxBytes() {
            return memoryMaxBytes;
        }

        @Override
        public int scriptMaxCalls() {
            return 5;
        }

        @Override
        public long memoryWaitMs() {
            return 0;
        }
    }

    /** Admission over a pool of a chosen size (refusing at once, as with a zero wait), remembering what was asked. */
    private static final class RecordingBudget extends MemoryBudget {
        final List<Long> admitted = new ArrayList<>();
        OutOfMemoryError failNextWith;
        private MemoryPool pool;

        RecordingBudget(long capacity) {
            shrinkTo(capacity);
        }

        void shrinkTo(long capacity) {
            pool = new MemoryPool(capacity);
        }

        @Override
        public MemoryPool pool() {
            return pool;
        }

        @Override
        public MemoryPool.Reservation admit(long bytes, String what) {
            if (failNextWith != null) {
                OutOfMemoryError error = failNextWith;
                failNextWith = null;
                throw error;
            }
            MemoryPool.Reservation reservation = pool.tryReserve(bytes);
            if (reservation == null) {
                throw new ProblemException(ProblemType.OVERLOADED, what + " refused", 1, Map.of("reason", "memory"));
            }
            admitted.add(bytes);
            return reservation;
        }
    }

    private static final class SwitchablePressure extends HeapPressure {
        final List<IntUnaryOperator> shedders = new ArrayList<>();
        volatile boolean refusing;

        @Override
        public void addShedder(IntUnaryOperator heaviestFirst) {
            shedders.add(heaviestFirst);
        }

        @Override
        public void admit(String what) {
            if (refusing) {
                throw new ProblemException(ProblemType.OVERLOADED, what + " refused", 2, Map.of("reason", "heap"));
            }
        }

        @Override
        public String reason() {
            return refusing ? "test" : null;
        }
    }
}

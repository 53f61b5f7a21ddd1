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
import dev.mik.problem.ProblemType;
import dev.mik.sandbox.ScriptSandbox;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link ScriptExecutor} does around the sandbox: input limits, the input's memory, heap pressure, and OOM. */
class ScriptExecutorBoundaryTest {

    private static final long MAX_NODES = 1_000;

    @TempDir
    Path scripts;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final RecordingBudget memory = new RecordingBudget(64L << 20);
    private final SwitchablePressure pressure = new SwitchablePressure();
    private ScriptExecutor executor;

    @BeforeEach
    void start() throws Exception {
        // it reports what it saw by throwing it, so these tests need no JAX-RS runtime to read a response
        Files.writeString(scripts.resolve("count.js"), "export default function (input) {"
                + " throw new Error('n=' + (input === null ? -1 : input.length)); }");
        executor = new ScriptExecutor();
        executor.config = new TestConfig(scripts);
        executor.metrics = new Metrics();
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

        assertEquals(List.of(ScriptInput.of(body, MAX_NODES).estimatedHeapBytes() + ScriptExecutor.FIRST_RESERVATION),
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

    /** The script ran and saw an input of {@code length} ({@code -1}: null). */
    private void assertSaw(int length, byte[] body) {
        ProblemException reported = assertThrows(ProblemException.class, () -> executor.run(request(body)));
        assertEquals(ProblemType.SCRIPT_ERROR, reported.type(), reported::detail);
        assertTrue(reported.detail().endsWith("n=" + length), reported.detail());
    }

    private static ScriptRequest request(byte[] body) {
        return new ScriptRequest(new ScriptName("count"), "POST", "/", Map.of(), Map.of(), body,
                new HostCallBridge.Origin("", "http://localhost/", new ServerInfo("localhost", 80, "HTTP/1.1",
                        "127.0.0.1"), "req-1", TraceContext.continueOrStart(null)));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static final class TestConfig extends MikConfig {
        private final Path scripts;

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
            return 4;
        }

        @Override
        public long scriptInputMaxNodes() {
            return MAX_NODES;
        }

        @Override
        public long scriptTimeoutMs() {
            return 5_000;
        }

        @Override
        public long scriptMemoryMaxBytes() {
            return 64L << 20;
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

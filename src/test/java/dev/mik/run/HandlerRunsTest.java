package dev.mik.run;

import dev.mik.config.MikConfig;
import dev.mik.memory.Admission;
import dev.mik.memory.MemoryPool;
import dev.mik.observability.Metrics;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handler control on its own, without a server: {@link HandlerRuns} over a real catalog, real Chicory runs and
 * its real breaker and gate, with settings from {@link MikConfig#of(Map)}. It decides what a run may do (deadline,
 * memory, concurrency) and what a failure means for the module's circuit.
 */
class HandlerRunsTest {

    private static final long SEED = 20261130L;
    private static final int THRESHOLD = 3;

    @TempDir
    Path handlers;

    /** The gate of the latest {@link #runs(Map)}, so a test can see what is in flight. */
    private ConcurrencyGate gate;

    private HandlerRuns runs(Map<String, String> settings) throws Exception {
        for (String fixture : List.of("hello2", "loop", "hog", "slow", "baddata", "env")) {
            Path source = HandlerFixtures.FIXTURES.resolve(fixture + ".wasm");
            Files.copy(source, handlers.resolve(fixture + ".wasm"), StandardCopyOption.REPLACE_EXISTING);
        }
        Map<String, String> all = new java.util.HashMap<>(Map.of(MikConfig.HANDLERS_DIR, handlers.toString(),
                "mik.breaker.failure-threshold", Integer.toString(THRESHOLD), "mik.breaker.open-ms", "600000",
                MikConfig.HANDLER_TIMEOUT_MS, "150"));
        all.putAll(settings);
        MikConfig config = MikConfig.of(all);
        HandlerMemory memory = HandlerFixtures.memory(new MemoryPool(1L << 30));
        ModuleCatalog catalog = new ModuleCatalog(memory, HandlerFixtures.probe(memory));
        gate = new ConcurrencyGate();
        return new HandlerRuns(config, catalog, memory, HandlerFixtures.runner(), gate,
                Admission.ALWAYS, new Metrics(), Runnable::run);
    }

    private static ProblemType outcome(Supplier<Object> run) {
        try {
            run.get();
            return null;
        } catch (ProblemException problem) {
            return problem.type();
        }
    }

    @Test
    void aHandlerOverItsDeadlineIs504AndItsFailuresInARowOpenItsCircuit() throws Exception {
        HandlerRuns runs = runs(Map.of());
        for (int i = 0; i < THRESHOLD; i++) {
            ProblemException timeout = assertThrows(ProblemException.class,
                    () -> runs.execute(HandlerFixtures.get("loop", ""), Long.MAX_VALUE));
            assertEquals(ProblemType.TIMEOUT, timeout.type());
            assertTrue(timeout.detail().contains("150 ms"), timeout.detail());
        }
        ProblemException open = assertThrows(ProblemException.class,
                () -> runs.execute(HandlerFixtures.get("loop", ""), Long.MAX_VALUE));
        assertEquals(ProblemType.CIRCUIT_OPEN, open.type());
        assertTrue(open.retryAfterSeconds() > 0, "a Retry-After");
        assertEquals(200, runs.execute(HandlerFixtures.get("hello2", ""), Long.MAX_VALUE).status(),
                "another module's circuit is its own");
    }

    /** The guest's environ lists the request's headers in the order they came, the same in every server start. */
    @Test
    void theGuestSeesTheRequestsHeadersInTheOrderTheyCame() throws Exception {
        HandlerRuns runs = runs(Map.of());
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            sent.add("X-Order-" + (char) ('P' - i));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        sent.forEach(name -> headers.put(name, "v"));
        HandlerRequest plain = HandlerFixtures.get("env", "");
        HandlerRequest request = new HandlerRequest(plain.module(), "GET", "", "", "", headers, new byte[0],
                plain.scriptName(), plain.fullUrl(), plain.server(), plain.requestId(), plain.traceparent());
        String body = new String(runs.execute(request, Long.MAX_VALUE).body(), StandardCharsets.UTF_8);

        List<String> seen = new ArrayList<>();
        Matcher names = Pattern.compile("\"HTTP_(X_ORDER_[A-Z])\"").matcher(body);
        while (names.find()) {
            seen.add(names.group(1));
        }
        assertEquals(sent.stream().map(name -> name.toUpperCase(Locale.ROOT).replace('-', '_')).toList(), seen, body);
    }

    @Test
    void aHandlerOverItsMemoryCapIsAMemoryLimitThatCountsAgainstIt() throws Exception {
        HandlerRuns runs = runs(Map.of(MikConfig.HANDLER_MEMORY_MAX_BYTES, Long.toString(4L << 20),
                MikConfig.HANDLER_TIMEOUT_MS, "10000"));
        for (int i = 0; i < THRESHOLD; i++) {
            assertEquals(ProblemType.MEMORY_LIMIT, outcome(() -> runs.execute(HandlerFixtures.get("hog", ""),
                    Long.MAX_VALUE)));
        }
        assertEquals(ProblemType.CIRCUIT_OPEN, outcome(() -> runs.execute(HandlerFixtures.get("hog", ""),
                Long.MAX_VALUE)));
    }

    @Test
    void aModuleThatCannotLoadIsModuleInvalidBeforeAnythingRuns() throws Exception {
        HandlerRuns runs = runs(Map.of());
        assertEquals(ProblemType.MODULE_INVALID, outcome(() -> runs.execute(HandlerFixtures.get("baddata", ""),
                Long.MAX_VALUE)));
        assertEquals(ProblemType.MODULE_NOT_FOUND, outcome(() -> runs.execute(HandlerFixtures.get("nothere", ""),
                Long.MAX_VALUE)));
    }

    @Test
    void aRunOverTheModulesConcurrencyIsRefusedAtOnceAndCountsForNothing() throws Exception {
        HandlerRuns runs = runs(Map.of(MikConfig.CONCURRENCY_PER_MODULE, "1", MikConfig.HANDLER_TIMEOUT_MS, "10000"));
        CompletableFuture<ProblemType> first = CompletableFuture.supplyAsync(
                () -> outcome(() -> runs.execute(HandlerFixtures.get("slow", "ms=3000"), Long.MAX_VALUE)));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (gate.inFlight() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        for (int i = 0; i < THRESHOLD + 1; i++) {
            assertEquals(ProblemType.RATE_LIMITED, outcome(() -> runs.execute(HandlerFixtures.get("slow", "ms=1"),
                    Long.MAX_VALUE)), "refused while the first runs");
        }
        assertEquals(null, first.get());
        assertEquals(200, runs.execute(HandlerFixtures.get("slow", "ms=1"), Long.MAX_VALUE).status(),
                "refusals did not open the circuit");
    }

    /**
     * A seeded sequence of calls of one module ({@code slow}), each a success, its own timeout or a caller's shorter
     * deadline, against a model of the rule: only the handler's own failures count, a success starts the count
     * again, and the circuit opens at the threshold. Every step's outcome must be the model's.
     */
    @Test
    void onlyTheHandlersOwnFailuresInARowOpenItsCircuit() throws Exception {
        Random random = new Random(SEED);
        int opened = 0;
        for (int sequence = 0; sequence < 8; sequence++) {
            HandlerRuns runs = runs(Map.of(MikConfig.HANDLER_TIMEOUT_MS, "150"));
            int failures = 0;
            List<String> steps = new ArrayList<>();
            for (int step = 0; step < 14 && failures < THRESHOLD; step++) {
                int kind = random.nextInt(3);
                steps.add(List.of("success", "own timeout", "caller's deadline").get(kind));
                String query = kind == 0 ? "ms=1" : "ms=5000";
                long callerMs = kind == 2 ? 50 : Long.MAX_VALUE;
                ProblemType got = outcome(() -> runs.execute(HandlerFixtures.get("slow", query), callerMs));
                assertEquals(kind == 0 ? null : ProblemType.TIMEOUT, got, () -> "steps " + steps);
                failures = kind == 0 ? 0 : kind == 1 ? failures + 1 : failures;
            }
            ProblemType next = outcome(() -> runs.execute(HandlerFixtures.get("slow", "ms=1"), Long.MAX_VALUE));
            assertEquals(failures >= THRESHOLD ? ProblemType.CIRCUIT_OPEN : null, next, () -> "steps " + steps);
            opened += failures >= THRESHOLD ? 1 : 0;
        }
        assertTrue(opened > 0 && opened < 8, "the seed opens some circuits and not others: " + opened);
    }
}

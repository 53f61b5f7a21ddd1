package dev.mik.script;

import dev.mik.http.ServerInfo;
import dev.mik.observability.TraceContext;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemResponses;
import dev.mik.problem.ProblemType;
import dev.mik.run.HandlerCalls;
import dev.mik.run.HandlerResponse;
import dev.mik.sandbox.CompiledScript;
import dev.mik.sandbox.HostBridge;
import dev.mik.sandbox.SandboxFixture;
import dev.mik.sandbox.ScriptResult;
import dev.mik.sandbox.ScriptSandbox;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostCallBridgeTest {

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    private static final ProblemResponses PROBLEMS = new ProblemResponses() {
        @Override
        public JsonObject body(ProblemException problem) {
            return Json.createObjectBuilder().add("code", problem.type().code()).add("detail", problem.detail())
                    .build();
        }
    };
    private static final HostCallBridge.Origin ORIGIN = new HostCallBridge.Origin("/mik", "http://localhost/mik/",
            new ServerInfo("localhost", 80, "HTTP/1.1", "127.0.0.1"), "request-1", TraceContext.unrecorded());

    @Test
    void contractCodesAreKeptAsTheyAre() {
        assertEquals("MODULE_NOT_FOUND", HostCallBridge.errorCode(ProblemType.MODULE_NOT_FOUND));
        assertEquals("RATE_LIMITED", HostCallBridge.errorCode(ProblemType.RATE_LIMITED));
        assertEquals("CIRCUIT_OPEN", HostCallBridge.errorCode(ProblemType.CIRCUIT_OPEN));
        assertEquals("TIMEOUT", HostCallBridge.errorCode(ProblemType.TIMEOUT));
        assertEquals("HANDLER_ERROR", HostCallBridge.errorCode(ProblemType.HANDLER_ERROR));
    }

    @Test
    void everyOtherHandlerFailureIsAHandlerErrorToTheScript() {
        for (ProblemType type : new ProblemType[]{ProblemType.MEMORY_LIMIT, ProblemType.INVALID_OUTPUT,
                ProblemType.RESPONSE_TOO_LARGE, ProblemType.MODULE_INVALID, ProblemType.INTERNAL}) {
            assertEquals("HANDLER_ERROR", HostCallBridge.errorCode(type), type.name());
        }
    }

    @Test
    void callerMistakesKeepTheirOwnCode() {
        assertEquals("INVALID_NAME", HostCallBridge.errorCode(ProblemType.INVALID_NAME));
        assertEquals("BAD_REQUEST", HostCallBridge.errorCode(ProblemType.BAD_REQUEST));
    }

    @Test
    void aJsonBodyTheSandboxCannotBuildReachesTheScriptAsText() {
        String wide = "{" + java.util.stream.IntStream.rangeClosed(0, ScriptInput.MAX_OBJECT_MEMBERS)
                .mapToObj(i -> "\"k" + i + "\":1").collect(java.util.stream.Collectors.joining(",")) + "}";
        String deep = "[".repeat(ScriptSandbox.MAX_INPUT_NESTING + 1) + "]".repeat(ScriptSandbox.MAX_INPUT_NESTING + 1);
        String fits = "{\"a\":[1,{\"b\":2}]}";
        for (String tooBig : new String[] {wide, deep}) {
            assertEquals(jakarta.json.JsonValue.ValueType.STRING, HostCallBridge.body(json(tooBig)).getValueType());
        }
        assertEquals(jakarta.json.JsonValue.ValueType.OBJECT, HostCallBridge.body(json(fits)).getValueType());
    }

    @Test
    void theHostBridgeAnswersThoseCallsWith400Results() throws Exception {
        ProblemResponses problems = new ProblemResponses() {
            @Override
            public JsonObject body(ProblemException problem) {
                return Json.createObjectBuilder().add("code", problem.type().code()).build();
            }
        };
        // no pool and no origin: every call here fails validation before either is needed
        HostCallBridge bridge = new HostCallBridge(null, problems, null);
        CompiledScript script = fixture.compile("""
                export default function (input) {
                  return [host.call({}), host.call('no/such'), host.call(Symbol('s')), host.call('a', 5),
                    host.call('a', 'x'), host.call('a', true), host.call('a', function () {}), host.call('a', [])]
                    .map(function (r) { return r.status + ' ' + r.error; });
                }
                """);

        ScriptResult result = fixture.sandbox.run(script, "{}", SandboxFixture.REQUEST, bridge, fixture.console,
                SandboxFixture.LIMITS);

        assertEquals("[\"400 INVALID_NAME\",\"400 INVALID_NAME\",\"400 INVALID_NAME\",\"400 BAD_REQUEST\","
                + "\"400 BAD_REQUEST\",\"400 BAD_REQUEST\",\"400 BAD_REQUEST\",\"400 BAD_REQUEST\"]", result.json());
    }

    @Test
    void aCallAfterTheRunsDeadlineIsATimeoutResultAndRunsNoHandler() {
        HandlerCalls unreachable = (request, maxTimeoutMs) -> {
            throw new AssertionError("the handler ran with " + maxTimeoutMs + " ms left");
        };
        HostCallBridge bridge = new HostCallBridge(unreachable, PROBLEMS, ORIGIN);

        for (long remainingNanos : new long[] {0, -1, TimeUnit.MICROSECONDS.toNanos(999)}) {
            JsonObject result = result(bridge.call("echo", "{}", remainingNanos));
            assertEquals(504, result.getInt("status"));
            assertEquals("TIMEOUT", result.getString("error"));
            assertEquals("The script's deadline passed before this call.",
                    result.getJsonObject("body").getString("detail"));
        }
    }

    @Test
    void theHandlerIsGivenWhatIsLeftOfTheRunsDeadline() {
        List<Long> given = new ArrayList<>();
        HandlerCalls handlers = (request, maxTimeoutMs) -> {
            given.add(maxTimeoutMs);
            return new HandlerResponse(200, List.of(), new byte[0]);
        };
        HostCallBridge bridge = new HostCallBridge(handlers, PROBLEMS, ORIGIN);

        assertEquals(200, result(bridge.call("echo", "{}", TimeUnit.SECONDS.toNanos(5))).getInt("status"));
        assertTrue(given.get(0) > 4_000 && given.get(0) <= 5_000, given.toString());
    }

    /** The sandbox's guard owns the run's deadline and hands each call what is left of it. */
    @Test
    void eachCallIsHandedWhatIsLeftOfTheScriptsOwnDeadline() throws Exception {
        List<Long> remaining = new ArrayList<>();
        HostBridge host = (module, options, remainingNanos) -> {
            remaining.add(remainingNanos);
            return "{\"status\":200}";
        };
        CompiledScript script = fixture.compile("""
                export default function (input) {
                  host.call('a', {});
                  var until = Date.now() + 50;
                  while (Date.now() < until) { }
                  return host.call('a', {}).status;
                }
                """);

        fixture.sandbox.run(script, "{}", SandboxFixture.REQUEST, host, fixture.console, SandboxFixture.LIMITS);

        long limit = TimeUnit.MILLISECONDS.toNanos(SandboxFixture.LIMITS.timeoutMs());
        assertTrue(remaining.get(0) > 0 && remaining.get(0) <= limit, remaining.toString());
        // Date.now() counts whole milliseconds: the 50 ms loop may take a little less than 50 ms
        assertTrue(remaining.get(1) <= remaining.get(0) - TimeUnit.MILLISECONDS.toNanos(48), remaining.toString());
    }

    private static JsonObject result(String json) {
        try (var reader = Json.createReader(new java.io.StringReader(json))) {
            return reader.readObject();
        }
    }

    private static dev.mik.run.HandlerResponse json(String body) {
        return new dev.mik.run.HandlerResponse(200, java.util.List.of(java.util.Map.entry("Content-Type",
                "application/json")), body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}

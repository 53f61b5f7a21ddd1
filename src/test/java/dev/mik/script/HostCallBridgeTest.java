package dev.mik.script;

import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemResponses;
import dev.mik.problem.ProblemType;
import dev.mik.sandbox.CompiledScript;
import dev.mik.sandbox.SandboxFixture;
import dev.mik.sandbox.ScriptResult;
import dev.mik.sandbox.ScriptSandbox;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HostCallBridgeTest {

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();


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
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        // no pool and no origin: every call here fails validation before either is needed
        HostCallBridge bridge = new HostCallBridge(null, problems, null, deadline);
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

    private static dev.mik.run.HandlerResponse json(String body) {
        return new dev.mik.run.HandlerResponse(200, java.util.List.of(java.util.Map.entry("Content-Type",
                "application/json")), body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}

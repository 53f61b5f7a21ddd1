package dev.mik.script;

import dev.mik.testing.Http;
import dev.mik.testing.MikDeployment;
import dev.mik.testing.ServerTest;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static dev.mik.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /script/<name>} on a real Payara Micro: the script contract, host.call, response mapping and limits. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ScriptIT extends ServerTest {

    private static final String NAME = "script-it";
    static final long SCRIPT_TIMEOUT_MS = 2000;
    private static final int MAX_CALLS = 10;

    @Deployment(testable = false)
    static WebArchive deployment() {
        MikDeployment deployment = MikDeployment.named(NAME)
                .handler("echo").handler("auth").fixture("respond").fixture("status").fixture("trap").fixture("loop")
                .config("mik.script.timeout-ms", SCRIPT_TIMEOUT_MS)
                .config("mik.script.max-calls", MAX_CALLS)
                .config("mik.script.memory-max-bytes", 64 * 1024 * 1024)
                .config("mik.handler.timeout-ms", 1000)
                .config("mik.breaker.failure-threshold", 1000)
                .config("mik.request.max-bytes", 64 * 1024);
        for (String script : List.of("workflow", "retry", "passthrough", "status", "inspect", "failures", "counter",
                "throws", "manycalls", "spin", "recurse", "regex", "allocate", "catchloop")) {
            deployment.testScript(script);
        }
        return deployment.war();
    }

    @Test
    void fiveStepWorkflowTakesTheBranchTheInputSelects() {
        JsonObject vip = ok(http.post("script/workflow", "{\"order\":\"vip-7\"}"));
        assertEquals("vip", vip.getString("kind"));
        assertEquals("[200,201,200,200,200]", vip.getJsonArray("steps").toString());
        assertEquals("/vip", vip.getString("lastPath"));
        JsonObject standard = ok(http.post("script/workflow", "{\"order\":\"plain-1\"}"));
        assertEquals("standard", standard.getString("kind"));
        assertEquals("[200,200,200,200,200]", standard.getJsonArray("steps").toString());
    }

    @Test
    void retryLoopRetriesOnlyWhileTheHandlerAnswers503() {
        JsonObject recovered = ok(http.post("script/retry", "{\"failures\":2}"));
        assertEquals(3, recovered.getInt("attempts"));
        assertEquals(1, ok(http.post("script/retry", "{\"failures\":0}")).getInt("attempts"));
        var exhausted = http.post("script/retry", "{\"failures\":5}");
        assertEquals(502, exhausted.status(), exhausted::toString);
        assertEquals(3, exhausted.json().getInt("attempts"));
    }

    @Test
    void returningAHostCallResultPassesTheHandlerResponseThrough() {
        var reply = http.post("script/passthrough", "");
        assertEquals(201, reply.status(), reply::toString);
        assertTrue(reply.header("Location").endsWith("/things/42"));
        assertEquals("yes", reply.header("X-Custom"));
        assertTrue(reply.header("Content-Type").startsWith("application/json"));
        assertEquals("{\"created\":true}", reply.body());
    }

    @ParameterizedTest
    @CsvSource({"422, 422", "201, 201", "99, 200", "600, 200", "\"404\", 200"})
    void numericStatusFrom100To599SetsTheHttpStatus(String given, int expected) {
        var reply = http.post("script/status", "{\"status\":" + given + "}");
        assertEquals(expected, reply.status(), reply::toString);
        assertTrue(reply.header("Content-Type").startsWith("application/json"));
        assertEquals("not acceptable", reply.json().getString("error"));
    }

    @ParameterizedTest
    @CsvSource({"100", "101", "103", "199"})
    void aScriptCannotAnswerWithAnInterimStatus(int status) {
        var reply = http.post("script/status", "{\"status\":" + status + "}");
        assertProblem(reply, 500, "script-error");
        assertTrue(reply.json().getString("detail").contains("status " + status), reply::toString);
    }

    @Test
    void aChangedHostCallResultIsAnsweredAsChanged() throws Exception {
        Path scripts = MikDeployment.scriptsDirOf(NAME);
        String call = "var r = host.call('auth', {path: '/verify', body: {token: 'demo-token-alice'}});";
        // the first run of a module compiles it, which can take longer than this suite's 2 s script deadline
        assertEquals(200, http.post("run/auth/verify", "{\"token\":\"demo-token-alice\"}").status());
        write(scripts.resolve("redact.js"), "export default function (input) { " + call
                + " delete r.body.email; return r; }");
        var redacted = http.post("script/redact", "");
        assertEquals(200, redacted.status(), redacted::toString);
        assertTrue(redacted.header("Content-Type").startsWith("application/json"), redacted::toString);
        assertEquals("u-alice", redacted.json().getString("userId"));
        assertFalse(redacted.body().contains("email") || redacted.body().contains("alice@"), redacted::toString);

        write(scripts.resolve("teapot.js"), "export default function (input) { " + call
                + " r.status = 418; r.headers['x-brewed'] = 'yes'; return r; }");
        var teapot = http.post("script/teapot", "");
        assertEquals(418, teapot.status(), teapot::toString);
        assertEquals("yes", teapot.header("X-Brewed"));
        assertEquals("alice@example.com", teapot.json().getString("email"));

        write(scripts.resolve("untouched.js"), "export default function (input) { " + call + " return r; }");
        var untouched = http.post("script/untouched", "");
        assertEquals(200, untouched.status(), untouched::toString);
        assertEquals("alice@example.com", untouched.json().getString("email"), "unchanged results pass through");
    }

    @Test
    void aScriptTooDeepToCompileIsAScriptErrorWithoutJavaNames() throws Exception {
        write(MikDeployment.scriptsDirOf(NAME).resolve("deepsum.js"),
                "export default function (input) { return 1" + "+1".repeat(30_000) + "; }");
        var reply = http.post("script/deepsum", "");
        assertProblem(reply, 500, "script-error");
        assertTrue(reply.body().contains("nests too deeply"), reply::toString);
        assertFalse(reply.body().contains("java.") || reply.body().contains("StackOverflow"), reply::toString);
    }

    @Test
    void emptyBodyIsNullInputAndPlainValuesAre200() {
        var reply = http.post("script/status", "");
        assertEquals(200, reply.status(), reply::toString);
        assertEquals("no input", reply.json().getString("message"));
    }

    @Test
    void invalidJsonInputIsA400Problem() {
        assertProblem(http.post("script/status", "{not json"), 400, "invalid-input");
    }

    @Test
    void scriptSeesFrozenRequestAndHandlersSeeTheRequestIdAndTrace() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var reply = http.send("PATCH", "script/inspect/sub/path?x=1&y=2", "{\"k\":[1,2]}".getBytes(),
                "X-Request-ID", "script-req-42", "traceparent", traceparent, "X-Mine", "m");
        JsonObject seen = ok(reply);
        assertEquals("{\"k\":[1,2]}", seen.getJsonObject("input").toString());
        assertEquals("PATCH", seen.getString("method"));
        assertEquals("/sub/path", seen.getString("path"));
        assertEquals("{\"x\":\"1\",\"y\":\"2\"}", seen.getJsonObject("query").toString());
        assertTrue(seen.getBoolean("frozen"));
        assertEquals("[2,4,6]", seen.getJsonArray("arrows").toString());
        JsonObject handler = seen.getJsonObject("handlerSaw");
        assertEquals("GET", handler.getString("method"));
        assertEquals("/inspect", handler.getString("path"));
        assertEquals("a=1&b=two", handler.getString("query"));
        JsonObject headers = handler.getJsonObject("headers");
        assertEquals("yes", headers.getString("x-extra"));
        assertEquals("script-req-42", headers.getString("x-request-id"));
        String callTrace = headers.getString("traceparent");
        assertTrue(callTrace.startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-"), callTrace);
        assertNotEquals(reply.header("traceparent"), callTrace, "each call is a child span");
        assertEquals("application/json", seen.getJsonObject("handlerHeaders").getString("content-type"));
    }

    @Test
    void hostCallFailuresAreResultsNotExceptions() {
        JsonObject result = ok(http.post("script/failures", ""));
        assertEquals("[404,\"MODULE_NOT_FOUND\"]", result.getJsonArray("missing").toString());
        assertEquals("[500,\"HANDLER_ERROR\"]", result.getJsonArray("trap").toString());
        assertEquals("[504,\"TIMEOUT\"]", result.getJsonArray("slow").toString());
        assertEquals("urn:mik:problem:module-not-found", result.getString("problemType"));
    }

    @Test
    void noStateSurvivesBetweenRequestsEvenConcurrently() throws Exception {
        List<Http.Reply> replies = concurrently(8, 40, i -> http.post("script/counter", "{\"n\":" + i + "}"));
        for (int i = 0; i < 40; i++) {
            JsonObject result = ok(replies.get(i));
            assertEquals(1, result.getInt("count"), "top-level state is per request");
            assertEquals(i, result.getInt("n"), "no cross-talk between concurrent runs");
            assertFalse(result.getString("leaked").equals("number"), "no global survives");
        }
    }

    @Test
    void thrownErrorIsA500NamingScriptAndLine() {
        JsonObject problem = assertProblem(http.post("script/throws", ""), 500, "script-error");
        assertEquals("throws", problem.getString("script"));
        assertEquals(4, problem.getInt("line"));
        assertTrue(problem.getString("detail").contains("boom at line four"), problem::toString);
    }

    @Test
    void tooManyHostCallsFailTheScriptEvenWhenItCatches() {
        JsonObject problem = assertProblem(http.post("script/manycalls", ""), 500, "script-limit");
        assertEquals("MAX_CALLS", problem.getString("limit"));
    }

    @Test
    void missingScriptIs404AndBadNameIs400() {
        assertProblem(http.post("script/nosuch", ""), 404, "script-not-found");
        assertProblem(http.post("script/a.b", ""), 400, "invalid-name");
    }

    @ParameterizedTest
    @CsvSource({"spin, 504, timeout", "catchloop, 504, timeout", "regex, 504, timeout",
            "recurse, 500, script-limit", "allocate, 500, script-limit"})
    void runawayScriptsEndWithinTheDeadlineAndTheServerKeepsServing(String script, int status, String type) {
        var reply = http.post("script/" + script, "");
        assertProblem(reply, status, type);
        assertTrue(reply.millis() < SCRIPT_TIMEOUT_MS + 500, script + " took " + reply.millis() + " ms");
        assertEquals(200, http.post("script/status", "").status(), "the server still serves scripts");
        assertEquals(200, http.post("run/echo", "x").status(), "and handlers");
    }

    @Test
    void editedScriptIsRecompiledWithoutRestart() throws Exception {
        Path script = MikDeployment.scriptsDirOf(NAME).resolve("edited.js");
        write(script, "export default function (input) { return { version: 1 }; }");
        assertEquals(1, ok(http.post("script/edited", "")).getInt("version"));
        write(script, "export default function (input) { return { version: 2, longer: true }; }");
        // an edit compiles in the background while the previous version serves: version 1 until version 2
        assertEquals(2, awaitVersion(2, 1));
        write(script, "export default function (input) { return {; }");
        long deadline = System.nanoTime() + 30_000_000_000L;
        Http.Reply reply;
        do {
            reply = http.post("script/edited", "");
            assertTrue(reply.status() == 200 || reply.status() == 500, reply::toString);
        } while (reply.status() == 200 && System.nanoTime() < deadline);
        assertProblem(reply, 500, "script-error");
        Files.delete(script);
        assertProblem(http.post("script/edited", ""), 404, "script-not-found");
    }

    /**
     * Discovery lists a script with its version and the modules its host.calls name, each present or missing, so
     * a misspelled module shows at deployment; its runs and latest failure come from the same counts as metrics.
     */
    @Test
    void discoveryListsAScriptWithTheModulesItCallsPresentOrMissing() throws Exception {
        Path script = MikDeployment.scriptsDirOf(NAME).resolve("discovered.js");
        String source = "export default function (input) {\n"
                + "  var a = host.call('auth', {path: '/verify', body: {token: 'demo-token-alice'}});\n"
                + "  var b = input.typo ? host.call('autth', {}) : null;\n"
                + "  return { status: a.status };\n}\n";
        write(script, source);
        assertEquals(200, http.post("script/discovered", "{}").status());
        var reply = http.get("_mik/scripts");
        assertEquals(200, reply.status(), reply::toString);
        JsonObject listed = reply.json().getJsonArray("scripts").getValuesAs(JsonObject.class).stream()
                .filter(entry -> entry.getString("name").equals("discovered")).findFirst().orElseThrow();
        assertEquals(Files.size(script), listed.getJsonNumber("size").longValue());
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(source.getBytes(java.nio.charset.StandardCharsets.UTF_8))), listed.getString("sha256"));
        assertTrue(listed.getBoolean("compiled"), listed::toString);
        assertEquals("[{\"module\":\"auth\",\"present\":true},{\"module\":\"autth\",\"present\":false}]",
                listed.getJsonArray("hostCalls").toString());
        assertEquals(1, listed.getJsonNumber("requests").longValue(), listed::toString);
        assertTrue(listed.isNull("lastError"), listed::toString);
        assertTrue(listed.getJsonNumber("p50AtMostMs").doubleValue() > 0, listed::toString);

        write(script, "export default function (input) { throw new Error('broken on purpose'); }");
        JsonObject failed;
        long deadline = System.nanoTime() + 30_000_000_000L;
        do {
            http.post("script/discovered", "{}");
            failed = http.get("_mik/scripts").json().getJsonArray("scripts").getValuesAs(JsonObject.class).stream()
                    .filter(entry -> entry.getString("name").equals("discovered")).findFirst().orElseThrow();
        } while (failed.isNull("lastError") && System.nanoTime() < deadline);
        assertEquals("SCRIPT_ERROR", failed.getJsonObject("lastError").getString("code"), failed::toString);
        Files.delete(script);
    }

    @Test
    void theSeriesOfARemovedScriptAreDropped() throws Exception {
        Path script = MikDeployment.scriptsDirOf(NAME).resolve("shortlived.js");
        write(script, "export default function (input) { return { ok: true }; }");
        assertEquals(200, http.post("script/shortlived", "").status());
        assertTrue(http.get("_mik/metrics").body().contains("name=\"shortlived\""));
        Files.delete(script);
        String after = http.get("_mik/metrics").body();
        assertFalse(after.contains("name=\"shortlived\""), after);
    }

    /**
     * The version {@code script/edited} answers once it answers {@code wanted}; each answer before is {@code before}.
     */
    private int awaitVersion(int wanted, int before) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        int version;
        do {
            version = ok(http.post("script/edited", "")).getInt("version");
            assertTrue(version == wanted || version == before, "answered version " + version);
        } while (version != wanted && System.nanoTime() < deadline);
        return version;
    }

    static void write(Path target, String source) throws Exception {
        Path staging = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.writeString(staging, source);
        Files.move(staging, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static JsonObject ok(Http.Reply reply) {
        assertEquals(200, reply.status(), reply::toString);
        return reply.json();
    }
}

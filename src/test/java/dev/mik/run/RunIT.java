package dev.mik.run;

import dev.mik.testing.Http;
import dev.mik.testing.MikDeployment;
import dev.mik.testing.ServerTest;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static dev.mik.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /run/<module>} on a real Payara Micro: the WAGI contract, every limit and every error. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RunIT extends ServerTest {

    private static final String NAME = "run-it";
    private static final long TIMEOUT_MS = 2000;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return MikDeployment.named(NAME)
                .handler("hello").handler("echo")
                .fixture("loop").fixture("hog").fixture("bigout").fixture("badout").fixture("trap")
                .fixture("exit1").fixture("status").fixture("redirect").fixture("stderr").fixture("env")
                .config("mik.handler.timeout-ms", TIMEOUT_MS)
                .config("mik.handler.memory-max-bytes", 16 * 1024 * 1024)
                .config("mik.request.max-bytes", 1024 * 1024)
                .config("mik.response.max-bytes", 1024 * 1024)
                .config("mik.concurrency.max", 40)
                .config("mik.concurrency.per-module", 30)
                .config("mik.breaker.failure-threshold", 1000)
                .war();
    }

    @Test
    void echoReturnsWhatTheHandlerReceived() {
        var reply = http.post("run/echo/x/y?q=1", "{\"a\":1}", "Content-Type", "application/json",
                "X-Request-ID", "test-echo-1");
        assertEquals(200, reply.status(), reply::toString);
        assertTrue(reply.header("Content-Type").startsWith("application/json"));
        JsonObject echo = reply.json();
        assertEquals("POST", echo.getString("method"));
        assertEquals("/x/y", echo.getString("path"));
        assertEquals("q=1", echo.getString("query"));
        assertEquals("{\"a\":1}", echo.getString("body"));
        assertEquals("test-echo-1", echo.getJsonObject("headers").getString("x-request-id"));
        assertEquals("test-echo-1", reply.header("X-Request-ID"));
        assertEquals(reply.header("traceparent"), echo.getJsonObject("headers").getString("traceparent"));
    }

    @Test
    void pathIsDecodedAndRawPathKept() {
        JsonObject env = http.get("run/env/a%20b/c?x=1&flag&y=two%20words").json().getJsonObject("env");
        assertEquals("/a b/c", env.getString("PATH_INFO"));
        assertEquals("/a%20b/c", env.getString("X_RAW_PATH_INFO"));
        assertEquals("x=1&flag&y=two%20words", env.getString("QUERY_STRING"));
    }

    @Test
    void handlerSeesExactlyTheCgiEnvironmentAndQueryArguments() {
        var reply = http.get("run/env/p?x=1&flag", "X-Custom", "v");
        assertEquals(200, reply.status(), reply::toString);
        JsonObject env = reply.json().getJsonObject("env");
        List<String> allowed = List.of("REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "X_RAW_PATH_INFO",
                "PATH_TRANSLATED", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH", "SERVER_NAME", "SERVER_PORT",
                "SERVER_PROTOCOL", "SERVER_SOFTWARE", "GATEWAY_INTERFACE", "REMOTE_ADDR", "X_FULL_URL",
                "X_MATCHED_ROUTE");
        for (String key : env.keySet()) {
            assertTrue(allowed.contains(key) || key.startsWith("HTTP_"), "unexpected variable " + key);
        }
        assertFalse(env.containsKey("PATH") || env.containsKey("HOME") || env.containsKey("JAVA_HOME"));
        assertEquals("GET", env.getString("REQUEST_METHOD"));
        assertEquals("/" + NAME + "/run/env", env.getString("SCRIPT_NAME"));
        assertEquals("CGI/1.1", env.getString("GATEWAY_INTERFACE"));
        assertEquals("v", env.getString("HTTP_X_CUSTOM"));
        assertEquals(reply.header("X-Request-ID"), env.getString("HTTP_X_REQUEST_ID"));
        assertEquals("0", env.getString("CONTENT_LENGTH"));
        assertTrue(env.getString("X_FULL_URL").endsWith("/run/env/p?x=1&flag"));
        assertEquals(List.of("env", "x=1", "flag"), reply.json().getJsonArray("args")
                .getValuesAs(JsonString.class).stream().map(JsonString::getString).toList());
    }

    @Test
    void helloAnswersPlainText() {
        var reply = http.get("run/hello");
        assertEquals(200, reply.status(), reply::toString);
        assertTrue(reply.header("Content-Type").startsWith("text/plain"));
        assertTrue(reply.body().startsWith("Hello from mik"), reply.body());
    }

    /** Discovery lists every module with its version, its state and its runs; one module can be asked for alone. */
    @Test
    void discoveryListsEachModuleWithItsVersionStateAndRuns() throws Exception {
        awaitReady();
        assertEquals(500, http.get("run/trap").status());
        var reply = http.get("_mik/handlers");
        assertEquals(200, reply.status(), reply::toString);
        List<JsonObject> listed = reply.json().getJsonArray("handlers").getValuesAs(JsonObject.class);
        assertTrue(listed.stream().anyMatch(entry -> entry.getString("name").equals("echo")), listed::toString);
        Path hello = MikDeployment.handlersDirOf(NAME).resolve("hello.wasm");
        JsonObject one = http.get("_mik/handlers/hello").json();
        assertEquals(Files.size(hello), one.getJsonNumber("size").longValue());
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(hello))), one.getString("sha256"));
        assertTrue(one.getBoolean("compiled"), one::toString);
        assertEquals("CLOSED", one.getString("breaker"));
        assertTrue(one.isNull("loadError"), one::toString);
        JsonObject trap = http.get("_mik/handlers/trap").json();
        assertTrue(trap.getJsonNumber("requests").longValue() >= 1, trap::toString);
        assertEquals("HANDLER_ERROR", trap.getJsonObject("lastError").getString("code"), trap::toString);
        assertProblem(http.get("_mik/handlers/nosuchmodule"), 404, "module-not-found");
    }

    @Test
    void theSeriesOfARemovedModuleAreDropped() throws Exception {
        Path module = MikDeployment.handlersDirOf(NAME).resolve("shortlived.wasm");
        Files.copy(MikDeployment.HANDLERS.resolve("hello.wasm"), module, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(200, http.get("run/shortlived").status());
        assertTrue(http.get("_mik/metrics").body().contains("name=\"shortlived\""));
        Files.delete(module);
        String after = http.get("_mik/metrics").body();
        assertFalse(after.contains("name=\"shortlived\""), after);
    }

    @Test
    void metricsCountRunsAndTimeThemPerModule() {
        http.get("run/hello");
        http.get("run/trap");
        var scrape = http.get("_mik/metrics");
        assertEquals(200, scrape.status(), scrape::toString);
        assertTrue(scrape.header("Content-Type").startsWith("text/plain"), scrape::toString);
        String text = scrape.body();
        assertTrue(text.matches(
                "(?s).*\\nmik_requests_total\\{kind=\"handler\",name=\"hello\",status=\"200\"} [1-9][0-9]*\\n.*"),
                text);
        assertTrue(text.matches(
                "(?s).*\\nmik_requests_total\\{kind=\"handler\",name=\"trap\",status=\"500\"} [1-9][0-9]*\\n.*"),
                text);
        assertTrue(text.contains("mik_request_duration_seconds_bucket{kind=\"handler\",name=\"hello\",le=\"+Inf\"}"),
                text);
        assertTrue(text.contains("\nmik_handlers_in_flight "), text);
        assertFalse(text.contains("nosuchmodule"), "unknown names never become series");
    }

    @Test
    void healthIsLiveAndReadyWhenTheHandlersDirectoryIsReadable() throws InterruptedException {
        var live = http.get("_mik/health/live");
        assertEquals(200, live.status(), live::toString);
        assertEquals("UP", live.json().getString("status"));
        // right after deployment readiness is DOWN while the warm-up rehearses (the loop module takes its full second)
        awaitReady();
        var ready = http.get("_mik/health/ready");
        assertEquals(200, ready.status(), ready::toString);
        assertEquals("UP", ready.json().getString("status"));
        assertEquals("handlers-dir", ready.json().getJsonArray("checks").getJsonObject(0).getString("name"));
        // whether, not where: no check of either answer names a path of the host
        for (var answer : List.of(live, ready)) {
            for (var check : answer.json().getJsonArray("checks").getValuesAs(jakarta.json.JsonObject.class)) {
                String detail = check.getJsonObject("data").getString("detail");
                assertFalse(detail.startsWith("/") || detail.matches(".*[A-Za-z]:\\\\.*"), check::toString);
            }
        }
        assertEquals("readable", ready.json().getJsonArray("checks").getJsonObject(0).getJsonObject("data")
                .getString("detail"));
    }

    @Test
    void statusLocationAndOtherHeadersArePassedThrough() {
        var reply = http.post("run/status", "");
        assertEquals(201, reply.status(), reply::toString);
        assertTrue(reply.header("Location").endsWith("/things/42"), reply.header("Location"));
        assertEquals("yes", reply.header("X-Custom"));
        assertEquals("{\"created\":true}", reply.body());
    }

    @Test
    void locationWithoutStatusIsARedirect() {
        var reply = http.get("run/redirect");
        assertEquals(302, reply.status(), reply::toString);
        assertTrue(reply.header("Location").endsWith("/elsewhere"));
    }

    @Test
    void stderrDoesNotReachTheClient() {
        var reply = http.get("run/stderr");
        assertEquals(200, reply.status(), reply::toString);
        assertEquals("ok", reply.body().trim());
    }

    @Test
    void saneRequestIdIsEchoedOtherwiseGenerated() {
        assertEquals("abc-123", http.get("run/hello", "X-Request-ID", "abc-123").header("X-Request-ID"));
        String generated = http.get("run/hello", "X-Request-ID", "bad id with spaces").header("X-Request-ID");
        assertNotEquals("bad id with spaces", generated);
        assertTrue(generated.matches("[0-9a-f-]{36}"), generated);
    }

    @Test
    void validTraceparentIsContinuedInvalidOneReplaced() {
        String incoming = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        String continued = http.get("run/hello", "traceparent", incoming).header("traceparent");
        assertTrue(continued.startsWith("00-0af7651916cd43dd8448eb211c80319c-"), continued);
        assertNotEquals(incoming, continued);
        String fresh = http.get("run/hello", "traceparent", "00-zzzz-nope-01").header("traceparent");
        assertTrue(fresh.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"), fresh);
        assertFalse(fresh.contains("0af7651916cd43dd8448eb211c80319c"));
    }

    @Test
    void unknownModuleIsA404Problem() {
        assertProblem(http.get("run/nosuchmodule"), 404, "module-not-found");
    }

    @Test
    void unknownRouteIsA404ProblemWithServerNeutralWording() {
        var problem = assertProblem(http.get("nothing/here"), 404, "not-found");
        assertFalse(problem.getString("detail").contains("http"), problem::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.b", "a%20b", "%2E%2E", "abc$", "%C3%A9t%C3%A9",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void badModuleNamesAreRejectedWithoutTouchingTheFileSystem(String name) {
        assertProblem(http.get("run/" + name), 400, "invalid-name");
    }

    @Test
    void nulByteInTheNameIsABadRequest() {
        // the HTTP layer of the server refuses an encoded NUL before mik sees it; either way nothing is looked up
        assertEquals(400, http.get("run/x%00y").status());
    }

    @Test
    void infiniteLoopTimesOutWith504AndServerStillAnswers() throws Exception {
        var reply = http.get("run/loop");
        assertProblem(reply, 504, "timeout");
        assertTrue(reply.millis() < TIMEOUT_MS + 1000, "took " + reply.millis() + " ms");
        assertEquals(200, http.get("run/hello").status());
        assertTrue(threadsFreedWithin(1000), "the interrupted run's executor thread left the guest");
    }

    /** Polls the metrics until no executor thread is inside guest code. */
    private boolean threadsFreedWithin(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        do {
            if (http.get("_mik/metrics").body().contains("\nmik_handler_threads_busy 0\n")) {
                return true;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return false;
    }

    @Test
    void memoryHogFailsWithMemoryProblemAndServerStaysHealthy() {
        assertProblem(http.get("run/hog"), 500, "memory-limit");
        assertEquals(200, http.get("run/hello").status());
    }

    @Test
    void oversizedRequestIsRefusedWith413() {
        byte[] big = new byte[1024 * 1024 + 1];
        assertProblem(http.send("POST", "run/echo", big), 413, "request-too-large");
    }

    @Test
    void oversizedChunkedRequestIsRefusedWith413() {
        byte[] big = new byte[2 * 1024 * 1024];
        var request = http.request("POST", "run/echo", null)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
        assertProblem(http.send(request), 413, "request-too-large");
    }

    @Test
    void oversizedOutputIsA502() {
        assertProblem(http.get("run/bigout"), 502, "response-too-large");
    }

    @Test
    void trapIsA500Problem() {
        assertProblem(http.get("run/trap"), 500, "handler-error");
    }

    @Test
    void nonZeroExitIsA500ProblemWithTheExitCode() {
        var reply = http.get("run/exit1");
        assertProblem(reply, 500, "handler-error");
        assertEquals(3, reply.json().getInt("exitCode"));
    }

    @Test
    void outputWithoutHeadersIsA500Problem() {
        assertProblem(http.get("run/badout"), 500, "invalid-output");
    }

    @Test
    void replacedAddedAndRemovedModulesArePickedUpWithoutRestart() throws Exception {
        Path swap = MikDeployment.handlersDirOf(NAME).resolve("swap.wasm");
        assertEquals(404, http.get("run/swap").status());
        install(Path.of("handlers/hello.wasm"), swap);
        assertTrue(http.get("run/swap").body().startsWith("Hello from mik"));
        install(MikDeployment.FIXTURES.resolve("hello2.wasm"), swap);
        // the previous version serves while the new one compiles in the background; every answer is one of the two
        long deadline = System.nanoTime() + 30_000_000_000L;
        String body;
        do {
            body = http.get("run/swap").body();
            assertTrue(body.startsWith("Hello from mik") || body.startsWith("Hello again"), body);
        } while (!body.startsWith("Hello again") && System.nanoTime() < deadline);
        assertTrue(body.startsWith("Hello again"), "new version after replacement");
        Files.delete(swap);
        assertEquals(404, http.get("run/swap").status());
    }

    @Test
    void twentyConcurrentRequestsAreAllAnsweredCorrectly() throws Exception {
        List<Http.Reply> replies = concurrently(20, 20, i -> http.post("run/echo/c", "{\"n\":" + i + "}"));
        for (int i = 0; i < 20; i++) {
            Http.Reply reply = replies.get(i);
            assertEquals(200, reply.status(), reply::toString);
            assertEquals("{\"n\":" + i + "}", reply.json().getString("body"));
        }
    }

    private static void install(Path source, Path target) throws Exception {
        Path staging = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.copy(source, staging, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staging, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

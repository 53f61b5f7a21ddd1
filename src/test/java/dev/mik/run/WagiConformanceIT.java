package dev.mik.run;

import dev.mik.testing.Http;
import dev.mik.testing.MikDeployment;
import dev.mik.testing.ServerTest;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URL;
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

import static dev.mik.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handler contract, clause by clause, on a real server, with the conformance kit's handlers
 * ({@code handlers/conformance/}): "WAGI 1 as mik runs it". Each test's name is the clause it proves.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WagiConformanceIT extends ServerTest {

    private static final String NAME = "wagi-it";
    private static final String MOUNT = "/" + NAME + "/run/";
    private static final int BREAKER_THRESHOLD = 5;
    private static final List<String> KIT = List.of("environment", "arguments", "stdin", "status", "location",
            "headers", "crlf", "exit-code", "raw-output", "routes");

    @ArquillianResource
    private URL deployed;

    @Deployment(testable = false)
    static WebArchive deployment() throws IOException {
        MikDeployment deployment = MikDeployment.named(NAME)
                .fixture("routesc").fixture("routesbad").fixture("routesmissing").fixture("unlinkable")
                .fixture("wrongwasi").fixture("importedmemory").fixture("trapstart").fixture("baddata")
                .config("mik.breaker.failure-threshold", BREAKER_THRESHOLD)
                .config("mik.breaker.open-ms", 60_000);
        Path handlers = MikDeployment.handlersDirOf(NAME);
        for (String module : KIT) {
            Files.copy(Path.of("handlers/conformance", module + ".wasm"), handlers.resolve(module + ".wasm"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(Path.of("handlers/conformance/raw-output.wasm"), handlers.resolve("raw-breaker.wasm"),
                StandardCopyOption.REPLACE_EXISTING);
        return deployment.war();
    }

    // --- environment ---

    @Test
    void environmentHoldsTheCgiAndWagiVariablesAndHttpHeadersAndNothingOfTheHost() {
        var reply = http.post("run/environment/p?x=1", "four", "X-Custom", "v", "Content-Type", "text/plain");
        assertEquals(200, reply.status(), reply::toString);
        JsonObject env = reply.json();
        List<String> cgi = List.of("REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "X_RAW_PATH_INFO",
                "PATH_TRANSLATED", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH", "SERVER_NAME", "SERVER_PORT",
                "SERVER_PROTOCOL", "SERVER_SOFTWARE", "GATEWAY_INTERFACE", "REMOTE_ADDR", "X_FULL_URL",
                "X_MATCHED_ROUTE");
        for (String key : env.keySet()) {
            assertTrue(cgi.contains(key) || key.startsWith("HTTP_"), "unexpected variable " + key);
        }
        assertTrue(env.keySet().containsAll(cgi), env::toString);
        assertEquals("POST", env.getString("REQUEST_METHOD"));
        assertEquals("text/plain", env.getString("CONTENT_TYPE"));
        assertEquals("4", env.getString("CONTENT_LENGTH"));
        assertEquals("CGI/1.1", env.getString("GATEWAY_INTERFACE"));
        assertEquals("v", env.getString("HTTP_X_CUSTOM"));
        assertEquals(reply.header("X-Request-ID"), env.getString("HTTP_X_REQUEST_ID"));
        assertTrue(env.getString("X_FULL_URL").endsWith(MOUNT + "environment/p?x=1"), env::toString);
    }

    @Test
    void pathInfoIsEmptyAtTheModuleItselfAndSlashOnlyForATrailingSlash() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("run/environment", "");
        expected.put("run/environment/", "/");
        expected.put("run/environment/a/b", "/a/b");
        expected.put("run/environment/a/b/", "/a/b/");
        expected.forEach((path, pathInfo) -> {
            JsonObject env = http.get(path).json();
            assertEquals(pathInfo, env.getString("PATH_INFO"), path);
            assertEquals(pathInfo, env.getString("X_RAW_PATH_INFO"), path);
            assertEquals(pathInfo, env.getString("PATH_TRANSLATED"), path);
            assertEquals(MOUNT + "environment", env.getString("SCRIPT_NAME"), path);
            assertEquals(MOUNT + "environment/...", env.getString("X_MATCHED_ROUTE"), path);
        });
    }

    @Test
    void pathInfoIsDecodedAndXRawPathInfoKeepsTheEncodingAsReceived() {
        JsonObject env = json(raw("GET /" + NAME + "/run/environment/a%20b/c+d/%C3%A9 HTTP/1.1").okBody());
        assertEquals("/a b/c+d/é", env.getString("PATH_INFO"));
        assertEquals("/a%20b/c+d/%C3%A9", env.getString("X_RAW_PATH_INFO"));
        assertEquals("/a b/c+d/é", env.getString("PATH_TRANSLATED"));
    }

    @Test
    void queryStringIsTheRawQueryExactlyAsReceived() {
        for (String query : List.of("a=b+c%20d&flag&x=%2F", "q=%E2%82%AC&&=", "x=%2525;y=~!*'()")) {
            JsonObject env = json(raw("GET /" + NAME + "/run/environment?" + query + " HTTP/1.1").okBody());
            assertEquals(query, env.getString("QUERY_STRING"), query);
            assertTrue(env.getString("X_FULL_URL").endsWith("/run/environment?" + query), env::toString);
        }
        assertEquals("", http.get("run/environment").json().getString("QUERY_STRING"));
    }

    /**
     * A query with escapes that decode to nothing reaches the handler exactly as sent; a server may refuse it before
     * mik sees it (WildFly's Undertow answers 400 with no body), but never passes it on changed.
     */
    @Test
    void queryStringWithInvalidEscapesIsRawOrRefusedByTheServerNeverReencoded() {
        String query = "%zz=%";
        RawAnswer answer = raw("GET /" + NAME + "/run/environment?" + query + " HTTP/1.1");
        if (answer.status() == 400) {
            assertFalse(answer.body().contains("QUERY_STRING"), answer::toString);
            return;
        }
        assertEquals(query, json(answer.okBody()).getString("QUERY_STRING"));
    }

    // --- arguments ---

    @Test
    void argumentsAreTheModuleNameThenEachQueryParameterDecoded() {
        assertEquals(List.of("arguments", "x=1", "flag", "y=two words", "z=a b"),
                arguments(http.get("run/arguments?x=1&flag&y=two%20words&z=a+b")));
        assertEquals(List.of("arguments"), arguments(http.get("run/arguments")));
    }

    // --- stdin ---

    @Test
    void stdinIsTheRequestBodyByteForByte() {
        byte[] body = new byte[70_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31 + i / 256);
        }
        var reply = http.send("PUT", "run/stdin", body, "Content-Type", "application/octet-stream");
        assertEquals(200, reply.status(), reply::toString);
        assertArrayEquals(body, reply.bytes());
        assertEquals(Integer.toString(body.length), reply.header("X-Stdin-Bytes"));
        assertEquals(Integer.toString(body.length), reply.header("X-Content-Length"));
        var empty = http.get("run/stdin");
        assertEquals("0", empty.header("X-Stdin-Bytes"));
        assertEquals(0, empty.bytes().length);
    }

    // --- status ---

    @Test
    void statusHeaderSetsTheStatusAndWithoutItTheStatusIs200() {
        assertEquals(200, http.get("run/status").status());
        for (int code : new int[]{200, 201, 204, 299, 400, 404, 418, 500, 503, 599}) {
            assertEquals(code, http.get("run/status?code=" + code).status(), "Status: " + code);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"100", "101", "199", "600", "abc"})
    void statusOutside200To599IsAnInvalidOutputProblem(String code) {
        assertProblem(http.get("run/status?code=" + code), 500, "invalid-output");
        assertEquals(200, http.get("run/status").status(), "a success between keeps the breaker closed");
    }

    // --- Location ---

    @Test
    void locationWithoutStatusIsA302AndWithAStatusKeepsThatStatus() {
        var redirect = http.get("run/location");
        assertEquals(302, redirect.status(), redirect::toString);
        assertTrue(redirect.header("Location").endsWith("/elsewhere"), redirect::toString);
        var created = http.get("run/location?status=201&to=https://example.com/things/1");
        assertEquals(201, created.status(), created::toString);
        assertEquals("https://example.com/things/1", created.header("Location"));
    }

    // --- header passing and dropping ---

    @Test
    void headersArePassedOnExceptTheOnesTheServerOwns() {
        var reply = http.get("run/headers");
        assertEquals(200, reply.status(), reply::toString);
        assertEquals("kept  as written", reply.header("X-Custom"));
        assertEquals(List.of("a=1", "b=2"), reply.response().headers().allValues("Set-Cookie"));
        assertEquals("no-store", reply.header("Cache-Control"));
        assertEquals("headers", reply.body());
        assertEquals("7", reply.header("Content-Length"), "the server's own length, not the handler's 999");
        assertNull(reply.header("Keep-Alive"));
        assertNotEquals("forged", reply.header("X-Request-ID"));
        assertFalse(reply.header("traceparent").contains("0af7651916cd43dd8448eb211c80319c"), reply::toString);
        assertFalse("close".equalsIgnoreCase(reply.header("Connection")), reply::toString);
    }

    // --- CRLF and lower-case header names ---

    @Test
    void crlfLineEndsAndLowerCaseHeaderNamesAreReadLikeLfAndAnyCase() {
        var reply = http.get("run/crlf");
        assertEquals(203, reply.status(), reply::toString);
        assertTrue(reply.header("Content-Type").startsWith("text/plain"), reply::toString);
        assertEquals("yes", reply.header("X-Lower"));
        assertEquals("crlf\r\n", reply.body());
    }

    // --- exit codes ---

    @Test
    void exitZeroIsSuccessAndAnyOtherExitIsA500HandlerErrorWithTheCodeAndTheOutputDiscarded() {
        var ok = http.get("run/exit-code");
        assertEquals(200, ok.status(), ok::toString);
        assertEquals("written before the exit", ok.body());
        for (int code : new int[]{1, 42}) {
            var failed = assertProblem(http.get("run/exit-code?code=" + code), 500, "handler-error");
            assertEquals(code, failed.getInt("exitCode"));
        }
    }

    // --- _routes ---

    @Test
    void routesRunTheLongestMatchingRoutesExportWithWagisPathVariables() {
        String mount = MOUNT + "routes";
        assertRoute("", "_start", mount, "", mount);
        assertRoute("/exact", "on_exact", mount + "/exact", "", mount + "/exact");
        assertRoute("/wildcard", "on_wildcard", mount + "/wildcard", "", mount + "/wildcard/...");
        assertRoute("/wildcard/", "on_wildcard", mount + "/wildcard", "/", mount + "/wildcard/...");
        assertRoute("/wildcard/fizz/buzz", "on_wildcard", mount + "/wildcard", "/fizz/buzz", mount + "/wildcard/...");
        assertRoute("/wildcard/deeper/x", "on_deeper", mount + "/wildcard/deeper", "/x",
                mount + "/wildcard/deeper/...");
        assertRoute("/main", "_start", mount + "/main", "", mount + "/main");
    }

    @Test
    void theDeclaredRoutesAreListedByDiscoveryInTheOrderTheyAreTried() {
        http.get("run/routes");
        JsonObject listed = http.get("_mik/handlers/routes").json();
        assertEquals(List.of("/wildcard/deeper/... on_deeper", "/wildcard/... on_wildcard", "/exact on_exact",
                        "/main _start"),
                listed.getJsonArray("routes").getValuesAs(JsonString.class).stream().map(JsonString::getString)
                        .toList(), listed::toString);
        http.get("run/status");
        assertTrue(http.get("_mik/handlers/status").json().isNull("routes"), "a module without _routes lists none");
    }

    @Test
    void routesInCWorkTheSameWay() {
        var hello = http.get("run/routesc/hello").body().split("\n");
        assertEquals("on_hello", hello[0]);
        assertEquals("PATH_INFO=", hello[2]);
        var files = http.get("run/routesc/files/a/b").body().split("\n");
        assertEquals(List.of("on_files", "SCRIPT_NAME=" + MOUNT + "routesc/files", "PATH_INFO=/a/b",
                "X_MATCHED_ROUTE=" + MOUNT + "routesc/files/..."), List.of(files));
    }

    @ParameterizedTest
    @ValueSource(strings = {"run/routes/", "run/routes/exact/below", "run/routes/exactly", "run/routes/nothing"})
    void aPathNoRouteMatchesIsA404NotFoundProblem(String path) {
        assertProblem(http.get(path), 404, "not-found");
    }

    @Test
    void anInvalidRouteTableIsModuleInvalidNamingTheLine() {
        var bad = assertProblem(http.get("run/routesbad"), 500, "module-invalid");
        assertTrue(bad.getString("detail").contains("line 2 '/only-a-path'"), bad::toString);
        var missing = assertProblem(http.get("run/routesmissing/here"), 500, "module-invalid");
        assertTrue(missing.getString("detail").contains("'no_such_export'"), missing::toString);
        assertEquals(missing.getString("detail"),
                assertProblem(http.get("run/routesmissing"), 500, "module-invalid").getString("detail"));
    }

    // --- modules that cannot be instantiated ---

    @ParameterizedTest
    @ValueSource(strings = {"unlinkable", "wrongwasi", "importedmemory", "trapstart", "baddata"})
    void aModuleThatCannotBeInstantiatedIsModuleInvalidOnEveryRequest(String module) {
        for (int i = 0; i < 2; i++) {
            var problem = assertProblem(http.get("run/" + module), 500, "module-invalid");
            assertTrue(problem.getString("detail").contains("cannot be instantiated"), problem::toString);
        }
    }

    // --- output the HTTP layer cannot carry ---

    @ParameterizedTest
    @ValueSource(strings = {"Content-Type: text/plain\nContent-Type: text/html\n\nx", "Content-Type: ///\n\nx",
            "Content-Type: text/plain; charset=\"utf-8\n\nx", "Location: http://[::1\n\n", "Location: /a b\n\n",
            "Status: 200\nStatus: 404\nContent-Type: text/plain\n\nx", "X-Only: 1\n\nx", "no header block"})
    void outputTheHttpLayerCannotCarryIsA500InvalidOutputProblemWithTheRequestId(String output) {
        assertProblem(rawOutput("raw-output", output.getBytes(StandardCharsets.ISO_8859_1)), 500, "invalid-output");
        assertEquals(200, rawOutput("raw-output", "Content-Type: text/plain\n\nok".getBytes(StandardCharsets.UTF_8))
                .status(), "a success between keeps the breaker closed");
    }

    /**
     * Seeded header blocks mixing valid and invalid values of the headers servers parse: each answer is either
     * what the block says (its status, its body) or a 500 invalid-output problem with the request id; never the
     * server's own error page.
     */
    @Test
    void everyGeneratedHeaderBlockGetsItsAnswerOrAnInvalidOutputProblem() {
        String[] lines = {"Content-Type: text/plain", "Content-Type: application/json; charset=utf-8",
                "Content-Type: text/plain; charset=\"a;b\"", "Content-Type: text/html;charset=no-such-charset",
                "Content-Type: ///", "Content-Type: text", "Content-Type: text/plain; charset=\"x",
                "Content-Type: t\u00e9xt/plain", "Location: /x", "Location: https://example.com/a?b#c",
                "Location: ../up", "Location: /a b", "Location: %zz", "Location: /caf\u00e9", "Location: ::",
                "Status: 201 Created", "Status: 404", "Status: 100", "Status: x", "X-A: 1", "Set-Cookie: a=1",
                "Content-Language: de", "Content-Language: ***", "Date: nonsense",
                "Last-Modified: Tue, 15 Nov 1994 08:12:31 GMT", "Last-Modified: garbage", "ETag: \"e\"",
                "Expires: 0", "Retry-After: soon", "Vary: *", "Allow: GET, nonsense", "X-Obs: caf\u00e9",
                "Content-Location: /here", "Link: <broken", "Cache-Control: ,,,", "Content-Disposition: x; y"};
        Random random = new Random(13);
        int carried = 0;
        for (int i = 0; i < 300; i++) {
            List<String> block = new ArrayList<>();
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                block.add(lines[random.nextInt(lines.length)]);
            }
            String newline = random.nextBoolean() ? "\n" : "\r\n";
            String body = "fuzz-body-" + i;
            String output = String.join(newline, block) + newline + newline + body;
            var reply = rawOutput("raw-output", output.getBytes(StandardCharsets.ISO_8859_1));
            String problemType = reply.header("Content-Type") != null
                    && reply.header("Content-Type").startsWith("application/problem+json")
                    ? reply.json().getString("type") : null;
            if ("urn:mik:problem:invalid-output".equals(problemType)) {
                assertProblem(reply, 500, "invalid-output");
                rawOutput("raw-output", "Content-Type: text/plain\n\nok".getBytes(StandardCharsets.UTF_8));
                continue;
            }
            assertEquals(expectedStatus(block), reply.status(), () -> block + " -> " + reply);
            assertEquals(body, reply.body(), () -> block + " -> " + reply);
            carried++;
        }
        assertTrue(carried > 30, "the corpus reaches carried answers too: " + carried);
    }

    @Test
    void invalidOutputCountsAsA500InMetricsAndAsAFailureForTheBreaker() {
        byte[] invalid = "Content-Type: ///\n\nx".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < BREAKER_THRESHOLD; i++) {
            assertProblem(rawOutput("raw-breaker", invalid), 500, "invalid-output");
        }
        assertProblem(rawOutput("raw-breaker", "Content-Type: text/plain\n\nok".getBytes(StandardCharsets.UTF_8)),
                503, "circuit-open");
        String metrics = http.get("_mik/metrics").body();
        assertTrue(metrics.contains("mik_requests_total{kind=\"handler\",name=\"raw-breaker\",status=\"500\"} "
                + BREAKER_THRESHOLD + "\n"), metrics);
        assertFalse(metrics.contains("name=\"raw-breaker\",status=\"200\""), metrics);
    }

    // --- helpers ---

    /** The status the CGI rules give a block the parser accepts: its Status, else 302 with a Location, else 200. */
    private static int expectedStatus(List<String> block) {
        for (String line : block) {
            if (line.startsWith("Status: ")) {
                return Integer.parseInt(line.substring(8).split(" ")[0]);
            }
        }
        return block.stream().anyMatch(line -> line.startsWith("Location: ")) ? 302 : 200;
    }

    private Http.Reply rawOutput(String module, byte[] output) {
        return http.send("POST", "run/" + module, output, "Content-Type", "application/octet-stream");
    }

    private void assertRoute(String path, String export, String scriptName, String pathInfo, String matchedRoute) {
        var reply = http.get("run/routes" + path + "?q=1");
        assertEquals(200, reply.status(), reply::toString);
        Map<String, String> vars = new LinkedHashMap<>();
        String[] lines = reply.body().split("\n");
        assertEquals(export, lines[0], path);
        for (int i = 1; i < lines.length; i++) {
            int equals = lines[i].indexOf('=');
            vars.putIfAbsent(lines[i].substring(0, equals), lines[i].substring(equals + 1));
        }
        assertEquals(scriptName, vars.get("SCRIPT_NAME"), path);
        assertEquals(pathInfo, vars.get("PATH_INFO"), path);
        assertEquals(pathInfo, vars.get("X_RAW_PATH_INFO"), path);
        assertEquals(matchedRoute, vars.get("X_MATCHED_ROUTE"), path);
        assertEquals("q=1", vars.get("QUERY_STRING"), path);
        assertEquals("routes", vars.get("ARG"), "a route's export gets the same arguments");
    }

    private static List<String> arguments(Http.Reply reply) {
        assertEquals(200, reply.status(), reply::toString);
        try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(reply.body()))) {
            return reader.readArray().getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
        }
    }

    private static JsonObject json(String body) {
        try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(body))) {
            return reader.readObject();
        }
    }

    /** A raw answer's status and body. */
    private record RawAnswer(int status, String head, String body) {
        String okBody() {
            assertEquals(200, status, this::toString);
            assertFalse(head.contains("transfer-encoding: chunked"), this::toString);
            return body;
        }
    }

    /** Sends {@code requestLine} as written (no client re-encodes it) and reads the answer to the end. */
    private RawAnswer raw(String requestLine) {
        try (Socket socket = new Socket(deployed.getHost(), deployed.getPort())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write((requestLine + "\r\nHost: " + deployed.getHost() + ":" + deployed.getPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int headerEnd = answer.indexOf("\r\n\r\n");
            String head = answer.substring(0, headerEnd).toLowerCase(Locale.ROOT);
            return new RawAnswer(Integer.parseInt(head.split(" ")[1]), head, answer.substring(headerEnd + 4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

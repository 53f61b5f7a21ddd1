package dev.mik.warmup;

import dev.mik.observability.RequestCorrelation;
import dev.mik.testing.MicroServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #10 on a real Payara Micro started the way an operator starts it: once readiness is UP, every module and
 * script is compiled, and the first requests (the demo checkout, then every demo module) compile nothing; restarted,
 * it loads every module from the compiled-code cache instead of compiling it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WarmupIT {

    private static final String ORDER =
            "{\"token\":\"demo-token-alice\",\"items\":[{\"sku\":\"MUG-01\",\"qty\":2}],\"payment\":\"card\"}";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static MicroServer server;
    private static Map<String, Object> config;
    private static final List<String> MODULES = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        Path root = Path.of(System.getProperty("mik.it.dir", "target/it")).toAbsolutePath().resolve("warmup-it");
        Path handlers = root.resolve("handlers");
        Path scripts = root.resolve("scripts");
        Files.createDirectories(handlers);
        Files.createDirectories(scripts);
        MODULES.addAll(MicroServer.copyShipped(Path.of("handlers"), ".wasm", handlers));
        MicroServer.copyShipped(Path.of("scripts"), ".js", scripts);
        Path cache = root.resolve("code-cache");
        if (Files.isDirectory(cache)) {
            try (Stream<Path> old = Files.list(cache)) {
                for (Path file : old.toList()) {
                    Files.delete(file); // a fresh server compiles; only the restart may find entries
                }
            }
        }
        config = Map.of(
                "mik.handlers.dir", handlers,
                "mik.scripts.dir", scripts,
                "mik.cache.dir", cache,
                "mik.script.timeout-ms", 3000);
        server = MicroServer.start("warmup-it", List.of("-Xmx768m"), config);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void onceReadyTheFirstRequestsCompileNothing() throws Exception {
        HttpResponse<String> ready = send(HttpRequest.newBuilder(server.base().resolve("_mik/health/ready")).GET());
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"warmup\""), ready.body());
        String summary = "Compiled " + MODULES.size() + " modules and 2 scripts ahead of requests";
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!server.log().contains(summary) && System.nanoTime() < deadline) {
            Thread.sleep(50); // logged as the last compilation ends, beside readiness turning UP
        }
        String before = server.log();
        assertTrue(before.contains(summary), before);
        assertTrue(before.contains("and ran each 1 time(s) on a made-up request"), before);
        // readiness came after every route was requested once over HTTP: two per module, one per script
        assertTrue(before.contains("Rehearsed " + (2 * MODULES.size() + 2) + " requests to the routes of "
                + MODULES.size() + " modules and 2 scripts over HTTP"), before);
        // the rehearsals ran every module and script, and nothing counts them: no series before the first request
        HttpResponse<String> metrics = send(HttpRequest.newBuilder(server.base().resolve("_mik/metrics")).GET());
        assertTrue(!metrics.body().contains("mik_requests_total{"), metrics.body());

        long started = System.nanoTime();
        HttpResponse<String> checkout = send(HttpRequest.newBuilder(server.base().resolve("script/checkout"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ORDER)));
        long checkoutMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(201, checkout.statusCode(), checkout.body());
        List<String> firsts = new ArrayList<>();
        for (String module : MODULES) {
            long moduleStarted = System.nanoTime();
            int status = send(HttpRequest.newBuilder(server.base().resolve("run/" + module)).GET()).statusCode();
            firsts.add(module + " " + status + " in " + (System.nanoTime() - moduleStarted) / 1_000_000 + " ms");
        }
        // measured, not asserted: speed belongs to the benchmark (bench/README), this test to what happens
        System.out.println("WarmupIT: first checkout " + checkoutMs + " ms; first requests: " + firsts);

        String during = server.log().substring(before.length());
        assertTrue(!during.contains("compiled in"), "a request compiled something:\n" + during);
        assertTrue(!during.contains("on the interpreter"), "a request ran on the interpreter:\n" + during);

        // a client cannot pass for the warm-up: a made-up rehearsal secret is a request like any other, and counted
        long echoes = echoRuns();
        assertEquals(200, send(HttpRequest.newBuilder(server.base().resolve("run/echo"))
                .header(RequestCorrelation.REHEARSAL_HEADER, "0123456789abcdef0123456789abcdef")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode());
        assertEquals(echoes + 1, echoRuns());
    }

    /** How many runs of {@code echo} answered 200, as the metrics count them. */
    private static long echoRuns() throws IOException, InterruptedException {
        String text = send(HttpRequest.newBuilder(server.base().resolve("_mik/metrics")).GET()).body();
        Matcher count = Pattern
                .compile("\nmik_requests_total\\{kind=\"handler\",name=\"echo\",status=\"200\"} (\\d+)\n")
                .matcher(text);
        return count.find() ? Long.parseLong(count.group(1)) : 0;
    }

    /** Payara Micro's instance root is new at every start, so the test names a cache directory that stays. */
    @Test
    @Order(2)
    void aRestartedServerLoadsEveryModuleFromTheCodeCache() throws Exception {
        server.close();
        server = MicroServer.start("warmup-it-restarted", List.of("-Xmx768m"), config);
        String log = server.log();
        for (String module : MODULES) {
            assertTrue(log.contains("Module " + module + " loaded from the code cache in"), module + ":\n" + log);
            assertTrue(!log.contains("Module " + module + " compiled in"), module + " was compiled again");
        }
        long started = System.nanoTime();
        HttpResponse<String> checkout = send(HttpRequest.newBuilder(server.base().resolve("script/checkout"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ORDER)));
        assertEquals(201, checkout.statusCode(), checkout.body());
        System.out.println("WarmupIT: first checkout after a restart " + (System.nanoTime() - started) / 1_000_000
                + " ms");
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

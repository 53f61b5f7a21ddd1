package dev.mik.memory;

import dev.mik.testing.MicroServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.function.Executable;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #9 on a real Payara Micro with a 512 MiB heap: slow and lying clients, a flood of tiny JSON objects, and a
 * storm of hostile scripts, memory-hog handlers and huge bodies while a probe watches liveness.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PressureIT {

    private static final long READ_TIMEOUT_MS = 3_000;
    private static final long SCRIPT_TIMEOUT_MS = 5_000;
    private static final long HANDLER_TIMEOUT_MS = 5_000;
    private static final int SLOW_CLIENTS = 300;
    private static final long DRIP_MS = 2_000;
    /** How late an answer may be on a shared, busy 2-core machine, past the 1 s the issue allows. */
    private static final long SCHEDULING_SLACK_MS = 1_000;
    /** Issue #9: no liveness probe waits longer than this during the storm. */
    private static final long PROBE_MAX_MS = 1_000;
    private static final int HOG_MODULES = 4;
    /** Memory-hog handler runs in the storm: 64 as issue #9 asks; {@code -Dpressure.storm.hogs=0} isolates scripts. */
    private static final int HOG_RUNS = Integer.getInteger("pressure.storm.hogs", 64);
    /** Hostile scripts in the storm: 32 as issue #9 asks; {@code -Dpressure.storm.scripts=0} isolates the rest. */
    private static final int SCRIPT_RUNS = Integer.getInteger("pressure.storm.scripts", 32);
    /** 10 MB bodies of tiny objects in the storm: four as issue #9 asks. */
    private static final int FLOODS = Integer.getInteger("pressure.storm.floods", 4);
    /** How long the checks after the storm wait for an answer. */
    private static final Duration AFTERWARDS = Duration.ofSeconds(15);
    private static final String CHECKOUT_ORDER =
            "{\"token\":\"demo-token-alice\",\"items\":[{\"sku\":\"MUG-01\",\"qty\":2}],\"payment\":\"card\"}";

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static MicroServer server;

    @BeforeAll
    static void startServer() throws Exception {
        Path root = Path.of(System.getProperty("mik.it.dir", "target/it")).toAbsolutePath().resolve("pressure-it");
        Path handlers = root.resolve("handlers");
        Path scripts = root.resolve("scripts");
        Files.createDirectories(handlers);
        Files.createDirectories(scripts);
        MicroServer.copyShipped(Path.of("handlers"), ".wasm", handlers);
        for (int i = 0; i < HOG_MODULES; i++) {
            Files.copy(Path.of("src/test/wasm/hog.wasm"), handlers.resolve("hog" + i + ".wasm"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(Path.of("scripts/checkout.js"), scripts.resolve("checkout.js"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(Path.of("src/test/scripts/storm.js"), scripts.resolve("storm.js"),
                StandardCopyOption.REPLACE_EXISTING);
        List<String> jvm = new ArrayList<>(List.of("-Xmx512m"));
        // diagnosis only, e.g.
        // -Dpressure.jvm="-Xlog:gc:file=/tmp/gc.log:time -XX:StartFlightRecording=filename=/tmp/s.jfr"
        for (String option : System.getProperty("pressure.jvm", "").split(" ")) {
            if (!option.isBlank()) {
                jvm.add(option);
            }
        }
        server = MicroServer.start("pressure-it", jvm, Map.of(
                "mik.handlers.dir", handlers,
                "mik.scripts.dir", scripts,
                "mik.request.read-timeout-ms", READ_TIMEOUT_MS,
                "mik.script.timeout-ms", SCRIPT_TIMEOUT_MS,
                "mik.handler.timeout-ms", HANDLER_TIMEOUT_MS));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void slowClientsHoldNoRequestThreadAndAreCutOffWith408() throws Exception {
        List<Socket> slow = new ArrayList<>();
        AtomicBoolean dripping = new AtomicBoolean(true);
        Thread dripper = new Thread(() -> drip(slow, dripping), "slow-loris");
        assertEquals(200, get("run/hello").statusCode(), "warm-up: the module is compiled before the clock runs");
        try {
            long opened = System.nanoTime();
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                Socket socket = connect();
                socket.getOutputStream().write(("POST /run/hello HTTP/1.1\r\nHost: localhost\r\n"
                        + "Transfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n1\r\nx\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                synchronized (slow) {
                    slow.add(socket);
                }
            }
            dripper.start();
            long slowest = 0;
            for (int i = 0; i < 5; i++) {
                Thread.sleep(300);
                long started = System.nanoTime();
                HttpResponse<String> hello = get("run/hello");
                assertEquals(200, hello.statusCode(), hello::body);
                slowest = Math.max(slowest, (System.nanoTime() - started) / 1_000_000);
            }
            System.out.printf("PressureIT: /run/hello beside %d slow clients answered in at most %d ms%n",
                    SLOW_CLIENTS, slowest);
            assertTrue(slowest < 1_000 + SCHEDULING_SLACK_MS, "slowest /run/hello: " + slowest + " ms");

            long latest = 0;
            for (Socket socket : slow) {
                assertEquals(408, statusOf(socket));
                latest = (System.nanoTime() - opened) / 1_000_000;
            }
            System.out.printf("PressureIT: all %d slow clients had their 408 %d ms after the first connected%n",
                    SLOW_CLIENTS, latest);
            assertTrue(latest < READ_TIMEOUT_MS + 1_000 + SCHEDULING_SLACK_MS + DRIP_MS,
                    "the last 408 came " + latest + " ms after the first client connected");
        } finally {
            dripping.set(false);
            dripper.join(5_000);
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    @Order(2)
    void bodyShorterThanItsContentLengthIs400AndAStalledOneIs408WithoutAStackTrace() throws Exception {
        int logBefore = server.log().length();
        try (Socket closed = connect(); Socket stalled = connect()) {
            String head = "POST /script/checkout HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"token\":";
            closed.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            closed.shutdownOutput();
            long started = System.nanoTime();
            // a client that half-closes may find the connection closed instead (Grizzly closes on end of input)
            int shortStatus = statusOrClosed(closed);
            assertTrue(shortStatus == 400 || shortStatus == -1, "short body answered " + shortStatus);
            assertEquals(408, statusOf(stalled));
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis < READ_TIMEOUT_MS + 1_000 + SCHEDULING_SLACK_MS, "408 after " + millis + " ms");
        }
        Thread.sleep(500);
        String logged = server.log().substring(logBefore);
        assertTrue(logged.lines().noneMatch(line -> line.startsWith("\tat ")), logged);
    }

    @Test
    @Order(3)
    void floodOfTinyObjectsIsRefusedAs413NotBlamedOnTheScript() {
        HttpResponse<String> reply = post("script/checkout", tinyObjectFlood());
        assertEquals(413, reply.statusCode(), reply::body);
        assertTrue(reply.body().contains("urn:mik:problem:request-too-large"), reply.body());
        assertEquals(201, post("script/checkout", CHECKOUT_ORDER.getBytes(StandardCharsets.UTF_8)).statusCode());
    }

    @Test
    @Order(4)
    void stormOfHostileRunsGetsDefinedAnswersWhileLivenessStaysFast() throws Exception {
        byte[] flood = tinyObjectFlood();
        List<Hostile> hostile = new ArrayList<>();
        String[] kinds = {"match", "lower", "straight", "loop"};
        for (int i = 0; i < SCRIPT_RUNS; i++) {
            hostile.add(new Hostile("script " + kinds[i % 4], "script/storm?kind=" + kinds[i % 4], null,
                    SCRIPT_TIMEOUT_MS));
        }
        for (int i = 0; i < HOG_RUNS; i++) {
            hostile.add(new Hostile("hog handler", "run/hog" + i % HOG_MODULES, null, HANDLER_TIMEOUT_MS));
        }
        for (int i = 0; i < FLOODS; i++) {
            hostile.add(new Hostile("10 MB of {}", "script/checkout", flood, SCRIPT_TIMEOUT_MS));
        }
        warmUp();
        int logBefore = server.log().length();
        AtomicBoolean probing = new AtomicBoolean(true);
        List<Long> probeMillis = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> probeFailures = new ArrayList<>();
        Thread probe = new Thread(() -> probe(probing, probeMillis, probeFailures), "liveness-probe");
        ExecutorService clients = Executors.newFixedThreadPool(hostile.size());
        List<Outcome> outcomes = new ArrayList<>();
        try {
            probe.start();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Outcome>> futures = new ArrayList<>();
            for (Hostile request : hostile) {
                futures.add(clients.submit(awaiting(go, request::send)));
            }
            go.countDown();
            for (Future<Outcome> future : futures) {
                outcomes.add(future.get(120, TimeUnit.SECONDS));
            }
        } finally {
            probing.set(false);
            probe.join(10_000);
            clients.shutdownNow();
        }
        outcomes.stream().collect(java.util.stream.Collectors.groupingBy(
                outcome -> outcome.request().what() + " -> " + outcome.status(), java.util.TreeMap::new,
                java.util.stream.Collectors.summarizingLong(Outcome::millis)))
                .forEach((kind, stats) -> System.out.printf("PressureIT storm: %-40s x%-3d max %d ms%n", kind,
                        stats.getCount(), stats.getMax()));
        long slowestProbe = probeMillis.stream().mapToLong(Long::longValue).max().orElse(0);
        System.out.printf("PressureIT storm: %d liveness probes, slowest %d ms%n", probeMillis.size(), slowestProbe);

        String logged = server.log().substring(logBefore);
        boolean recovered = awaitReady(AFTERWARDS);
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> assertEquals(List.of(), probeFailures, "liveness probe failures"));
        // the 1 s of issue #9, with the slack every answer here gets: the probe's client shares the two cores with the
        // storm's 100 clients (over 17 storms the slowest probe took 0.28-0.95 s; README, Memory)
        checks.add(() -> assertTrue(slowestProbe <= PROBE_MAX_MS + SCHEDULING_SLACK_MS,
                "slowest liveness probe: " + slowestProbe + " ms"));
        for (Outcome outcome : outcomes) {
            checks.add(() -> assertTrue(outcome.defined(), outcome::toString));
            checks.add(() -> assertTrue(outcome.millis() <= outcome.request().deadlineMs() + 1_000
                    + SCHEDULING_SLACK_MS, outcome::toString));
        }
        checks.add(() -> assertTrue(!logged.contains("OutOfMemoryError"), "the server log holds an OutOfMemoryError"));
        checks.add(() -> assertTrue(recovered, "readiness did not come back within " + AFTERWARDS));
        checks.add(() -> assertEquals(200, send(HttpRequest.newBuilder(server.base().resolve("run/hello"))
                .timeout(AFTERWARDS)).statusCode(), "a normal handler request afterwards"));
        checks.add(() -> assertEquals(201, send(HttpRequest.newBuilder(server.base().resolve("script/checkout"))
                .timeout(AFTERWARDS).POST(HttpRequest.BodyPublishers.ofString(CHECKOUT_ORDER))).statusCode(),
                "a normal checkout afterwards"));
        assertAll(checks);
    }

    /** Compiles every module and script the storm uses, so the storm measures memory, not first-use compilation. */
    private static void warmUp() throws Exception {
        ExecutorService warming = Executors.newFixedThreadPool(HOG_MODULES + 1);
        try {
            List<Future<HttpResponse<String>>> done = new ArrayList<>();
            for (int i = 0; i < HOG_MODULES; i++) {
                String module = "run/hog" + i;
                done.add(warming.submit(() -> get(module)));
            }
            done.add(warming.submit(() -> get("script/storm?kind=none-of-them-so-it-loops")));
            for (Future<HttpResponse<String>> reply : done) {
                reply.get(120, TimeUnit.SECONDS);
            }
        } finally {
            warming.shutdownNow();
        }
        awaitReady(Duration.ofSeconds(30));
    }

    /** One hostile request and the time it may take. */
    private record Hostile(String what, String path, byte[] body, long deadlineMs) {

        Outcome send() {
            long started = System.nanoTime();
            try {
                Duration patience = Duration.ofMillis(deadlineMs + 10_000);
                HttpRequest.Builder request = HttpRequest.newBuilder(server.base().resolve(path)).timeout(patience);
                HttpResponse<String> reply = PressureIT.send(body == null ? request.GET()
                        : request.header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
                return new Outcome(this, reply.statusCode(), reply.headers().firstValue("Content-Type").orElse(""),
                        reply.body().length() > 300 ? reply.body().substring(0, 300) : reply.body(),
                        (System.nanoTime() - started) / 1_000_000);
            } catch (UncheckedIOException e) {
                return new Outcome(this, -1, "", e.getCause().toString(), (System.nanoTime() - started) / 1_000_000);
            }
        }
    }

    private record Outcome(Hostile request, int status, String contentType, String body, long millis) {

        /**
         * 400/413/500/503/504 with a problem body: a defined refusal or limit, never a dropped connection. A request
         * with a body may also be 408, the answer issue #9 gives a body that does not arrive within
         * {@code mik.request.read-timeout-ms} (3 s here: a 10 MB upload can take longer while the storm holds both
         * cores).
         */
        boolean defined() {
            boolean timedOutBody = status == 408 && request.body() != null;
            return (List.of(400, 413, 500, 503, 504).contains(status) || timedOutBody)
                    && contentType.startsWith("application/problem+json");
        }

        @Override
        public String toString() {
            return request.what() + " " + request.path() + ": " + status + " after " + millis + " ms (deadline "
                    + request.deadlineMs() + " ms) " + contentType + " " + body;
        }
    }

    private static <T> Callable<T> awaiting(CountDownLatch go, Callable<T> task) {
        return () -> {
            go.await();
            return task.call();
        };
    }

    private static void probe(AtomicBoolean probing, List<Long> millis, List<String> failures) {
        HttpRequest live = HttpRequest.newBuilder(server.base().resolve("_mik/health/live"))
                .timeout(Duration.ofSeconds(10)).build();
        // the probe is its own client, as an orchestrator's is: the storm's clients share one selector thread, which
        // is busy sending 40 MB of bodies, and a probe queued behind it would measure the test, not the server
        HttpClient prober = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        while (probing.get()) {
            long started = System.nanoTime();
            try {
                int status = prober.send(live, HttpResponse.BodyHandlers.ofString()).statusCode();
                if (status != 200) {
                    failures.add("live answered " + status);
                }
            } catch (IOException e) {
                failures.add(e.toString());
            } catch (InterruptedException e) {
                return;
            }
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            millis.add(tookMs);
            if (tookMs > 300) {
                // to line up with the server's GC log when one is kept (-Xlog:gc:file=...:time)
                System.out.println("PressureIT storm: a liveness probe took " + tookMs + " ms, ending at "
                        + java.time.Instant.now());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static boolean awaitReady(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpRequest.Builder ready = HttpRequest.newBuilder(server.base().resolve("_mik/health/ready"))
                        .timeout(Duration.ofSeconds(5));
                if (send(ready).statusCode() == 200) {
                    return true;
                }
            } catch (UncheckedIOException notAnswering) {
                // keep asking until the deadline
            }
            Thread.sleep(250);
        }
        return false;
    }

    /** The red team's body: {@code [{},{},…]}, 3.4 million empty objects, 10.2 MB, just under the request limit. */
    private static byte[] tinyObjectFlood() {
        return ("[" + "{},".repeat(3_400_000) + "{}]").getBytes(StandardCharsets.US_ASCII);
    }

    private static HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(server.base().resolve(path)).timeout(Duration.ofSeconds(60)).GET());
    }

    private static HttpResponse<String> post(String path, byte[] body) {
        return send(HttpRequest.newBuilder(server.base().resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Socket connect() throws IOException {
        URI base = server.base();
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.setSoTimeout((int) (READ_TIMEOUT_MS * 4));
        return socket;
    }

    /** The status code waiting on {@code socket}, or -1 when the server closed the connection without one. */
    private static int statusOrClosed(Socket socket) throws IOException {
        try {
            return statusOf(socket);
        } catch (java.net.SocketException | ClosedByServer e) {
            return -1;
        }
    }

    private static final class ClosedByServer extends IOException {
        ClosedByServer() {
            super("the server closed the connection without an answer");
        }
    }

    /** The status code of the response waiting on {@code socket}. */
    private static int statusOf(Socket socket) throws IOException {
        String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.US_ASCII)).readLine();
        if (statusLine == null) {
            throw new ClosedByServer();
        }
        return Integer.parseInt(statusLine.split(" ")[1]);
    }

    /** Sends one more byte of each slow body every {@link #DRIP_MS} ms. */
    private static void drip(List<Socket> sockets, AtomicBoolean dripping) {
        byte[] oneByteChunk = "1\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
        while (dripping.get()) {
            try {
                Thread.sleep(DRIP_MS);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (sockets) {
                for (Socket socket : sockets) {
                    try {
                        OutputStream out = socket.getOutputStream();
                        out.write(oneByteChunk);
                    } catch (IOException answeredAndClosed) {
                        // expected once the server has cut the client off
                    }
                }
            }
        }
    }
}

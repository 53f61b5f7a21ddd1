package dev.mik.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Measures mik against a plain JAX-RS baseline deployed in the same Payara Micro process, so both share one JVM, one
 * HTTP stack and one machine, with {@code wrk} as the load: warm rows (fixed connections and duration), then the
 * cold figures (start to ready, first checkout after ready, the same after a restart with a warm compiled-code
 * cache, and on a third start the first request of every demo module), all with
 * {@code mik.script.timeout-ms=3000}. Prints a table and the ratios issue #10 asks about, and writes a dated CSV
 * under {@code bench/results/}.
 * Run it with {@code mvn -Pbench package -DskipTests}; tune with {@code -Dbench.seconds=4 -Dbench.rounds=3
 * -Dbench.connections=1,8 -Dbench.targets=baseline,mik-hello}.
 */
public final class Benchmark {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
    private static final List<String> READINESS_PATHS = List.of("baseline/ping", "mik/_mik/health/ready");
    private static final Target CHECKOUT = Target.post("mik-checkout", "mik", "/mik/script/checkout",
            BenchSettings.CHECKOUT_ORDER);
    private static final int CLIENT_WARMUP_POSTS = 20;

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        BenchSettings settings = BenchSettings.fromSystemProperties();
        Wrk.requireInstalled();
        double loadBefore = loadAverage();
        Path baselineWar = BaselineWar.writeInto(settings.buildDir());
        Path scripts = benchScripts(settings);
        Path cache = settings.buildDir().resolve("bench-code-cache");
        deleteTree(cache);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        Map<String, Double> cold = new LinkedHashMap<>();
        List<Wrk.Result> rows = new ArrayList<>();
        String version;
        List<Path> wars = List.of(settings.war(), baselineWar);
        long started = System.nanoTime();
        try (PayaraMicroProcess server = PayaraMicroProcess.start(settings, wars, scripts, cache, "bench-server")) {
            System.out.printf("Starting Payara Micro (pid %d) at %s; its output goes to %s%n",
                    server.pid(), server.uri(), server.log());
            server.awaitReady(client, READINESS_PATHS, STARTUP_TIMEOUT);
            cold.put("start to ready, fresh (ms)", millisSince(started));
            cold.put("first checkout after ready, fresh (ms)", firstCheckout(client, server.uri()));
            version = server.version();
            System.out.printf("Payara Micro %s is serving %s and %s%n", version, server.uri().resolve("mik/"),
                    server.uri().resolve("baseline/"));
            rows.addAll(warmRows(settings, server.uri()));
        }
        long restarted = System.nanoTime();
        try (PayaraMicroProcess server = !Boolean.parseBoolean(System.getProperty("bench.restart", "true")) ? null
                : PayaraMicroProcess.start(settings, wars, scripts, cache, "bench-server-restarted")) {
            if (server != null) { // -Dbench.restart=false skips it, e.g. while profiling the first server
                server.awaitReady(client, READINESS_PATHS, STARTUP_TIMEOUT);
                cold.put("start to ready, restart with warm cache (ms)", millisSince(restarted));
                cold.put("first checkout after ready, restart (ms)", firstCheckout(client, server.uri()));
            }
        }
        long again = System.nanoTime();
        try (PayaraMicroProcess server = !Boolean.parseBoolean(System.getProperty("bench.restart", "true")) ? null
                : PayaraMicroProcess.start(settings, wars, scripts, cache, "bench-server-modules")) {
            if (server != null) { // a third start, so that each module's first request is the server's first of it
                server.awaitReady(client, READINESS_PATHS, STARTUP_TIMEOUT);
                firstModuleRequests(client, server.uri(), cold);
            }
        }
        String table = ResultTable.render(rows, cold);
        System.out.printf("%nResults: wrk, 1 thread, the median of %d rounds of %d s per row (the targets in turn)"
                + " after %d s of warm-up, on the same machine%n", settings.rounds(), settings.measure().toSeconds(),
                settings.warmup().toSeconds());
        System.out.print(table);
        System.out.print(ResultTable.ratios(rows));
        System.out.println(machine() + " | Payara Micro " + version);
        System.out.printf(Locale.ROOT, "Load average (1 min): %.2f before the server started, %.2f after the "
                + "runs%n", loadBefore, loadAverage());
        Path csv = settings.repo().resolve("bench").resolve("results")
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm")) + ".csv");
        Files.createDirectories(csv.getParent());
        Files.writeString(csv, ResultTable.csv(rows, cold, machine() + " | Payara Micro " + version),
                StandardCharsets.UTF_8);
        System.out.println("Written to " + csv);
    }

    private static List<Target> targets(BenchSettings settings) {
        return Stream.of(
                Target.get("baseline-get", "baseline", "/baseline/ping"),
                Target.post("baseline-echo", "baseline", "/baseline/echo", Target.KIB_JSON),
                Target.get("mik-hello", "mik", "/mik/run/hello"),
                Target.post("mik-echo", "mik", "/mik/run/echo", Target.KIB_JSON),
                Target.post("mik-onecall", "mik", "/mik/script/onecall", Target.KIB_JSON),
                CHECKOUT).filter(settings::selects).toList();
    }

    /** The shipped scripts plus {@code onecall}, the benchmark's script with exactly one {@code host.call}. */
    private static Path benchScripts(BenchSettings settings) throws IOException {
        Path dir = settings.buildDir().resolve("bench-scripts");
        Files.createDirectories(dir);
        try (Stream<Path> shipped = Files.list(settings.scriptsDir())) {
            for (Path script : shipped.filter(file -> file.toString().endsWith(".js")).toList()) {
                Files.copy(script, dir.resolve(script.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.copy(settings.repo().resolve("src/test/scripts/onecall.js"), dir.resolve("onecall.js"),
                StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    /**
     * Every target warmed once, then measured in rounds that take the targets in turn, so that a machine that speeds
     * up or slows down during the run (other tenants of the host, the JIT) moves baseline and mik rows alike; a row
     * is the median of its rounds.
     */
    private static List<Wrk.Result> warmRows(BenchSettings settings, URI server)
            throws IOException, InterruptedException {
        Wrk wrk = new Wrk(settings.buildDir());
        List<Target> targets = targets(settings);
        for (Target target : targets) {
            wrk.run(server, target, settings.highestConnections(), settings.warmup());
        }
        Map<String, List<Wrk.Result>> rounds = new LinkedHashMap<>();
        for (int round = 1; round <= settings.rounds(); round++) {
            for (Target target : targets) {
                for (int connections : settings.connections()) {
                    Wrk.Result result = wrk.run(server, target, connections, settings.measure());
                    System.out.printf(Locale.ROOT, "  round %d, %s, %d connections: %.1f req/s, p50 %.2f ms%n",
                            round, target.request(), connections, result.requestsPerSecond(), result.p50Ms());
                    rounds.computeIfAbsent(target.id() + " " + connections, key -> new ArrayList<>()).add(result);
                }
            }
        }
        return rounds.values().stream().map(Wrk.Result::median).toList();
    }

    /**
     * The first checkout after ready, as the server serves it. The client's own first POST is warmed first, against
     * the baseline's echo (another WAR: nothing of mik runs), so that the figure does not include the benchmark
     * JVM loading and compiling its HTTP client's POST path.
     */
    private static double firstCheckout(HttpClient client, URI server) throws IOException, InterruptedException {
        for (int i = 0; i < CLIENT_WARMUP_POSTS; i++) {
            HttpResponse<String> echoed = send(client, server.resolve("baseline/echo"), "POST", CHECKOUT.body());
            if (echoed.statusCode() != 200) {
                throw new IllegalStateException("the baseline echo answered " + echoed.statusCode());
            }
        }
        long started = System.nanoTime();
        HttpResponse<String> reply = send(client, server.resolve(CHECKOUT.path().substring(1)), "POST",
                CHECKOUT.body());
        double millis = millisSince(started);
        if (reply.statusCode() != 201) {
            throw new IllegalStateException("the first checkout answered " + reply.statusCode() + ": " + reply.body());
        }
        return millis;
    }

    /** The first request of every demo module after ready (restart with a warm cache), each with a fitting body. */
    private static void firstModuleRequests(HttpClient client, URI server, Map<String, Double> cold)
            throws IOException, InterruptedException {
        Map<String, String[]> requests = new LinkedHashMap<>();
        requests.put("hello", new String[] {"GET", "mik/run/hello", null});
        requests.put("echo", new String[] {"POST", "mik/run/echo", Target.KIB_JSON});
        requests.put("auth", new String[] {"POST", "mik/run/auth/verify", "{\"token\":\"demo-token-bob\"}"});
        requests.put("inventory", new String[] {"POST", "mik/run/inventory/check",
                "{\"items\":[{\"sku\":\"MUG-01\",\"qty\":1}]}"});
        requests.put("payment", new String[] {"POST", "mik/run/payment/charge",
                "{\"amount\":1250,\"method\":\"card\",\"reference\":\"bench\"}"});
        requests.put("orders", new String[] {"POST", "mik/run/orders/create",
                "{\"userId\":\"u-bob\",\"items\":[{\"sku\":\"MUG-01\",\"qty\":1}],\"paymentId\":\"p-1\"}"});
        requests.put("notifications", new String[] {"POST", "mik/run/notifications/send",
                "{\"type\":\"order-confirmation\",\"orderId\":\"o-1\",\"email\":\"bob@example.com\"}"});
        requests.put("guest-checkout", new String[] {"POST", "mik/run/guest-checkout",
                "{\"items\":[{\"sku\":\"STICKERS\",\"qty\":1}]}"});
        double slowest = 0;
        for (Map.Entry<String, String[]> request : requests.entrySet()) {
            String[] shape = request.getValue();
            long started = System.nanoTime();
            HttpResponse<String> reply = send(client, server.resolve(shape[1]), shape[0], shape[2]);
            double millis = millisSince(started);
            if (reply.statusCode() >= 500) {
                throw new IllegalStateException("the first " + request.getKey() + " request answered "
                        + reply.statusCode() + ": " + reply.body());
            }
            cold.put("first " + request.getKey() + " request after ready, restart (ms)", millis);
            slowest = Math.max(slowest, millis);
        }
        cold.put("slowest first module request (ms)", slowest);
    }

    /** One JSON request ({@code body} null for none), answered within 30 s. */
    private static HttpResponse<String> send(HttpClient client, URI uri, String method, String body)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e6;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static String machine() {
        return String.format(Locale.ROOT, "JVM %s %s (%s) | OS %s %s %s | %d cores",
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                System.getProperty("java.vendor"), System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors());
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}

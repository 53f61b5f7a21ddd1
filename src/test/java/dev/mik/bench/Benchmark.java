package dev.mik.bench;

import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures mik's handlers (and scripts, where present) against a plain JAX-RS baseline deployed in the same Payara
 * Micro process, so both sides share one JVM, one HTTP stack and one machine. Run it with
 * {@code mvn -Pbench package -DskipTests}; tune it with {@code -Dbench.seconds=10 -Dbench.concurrency=1,8
 * -Dbench.targets=baseline,mik-hello -Dbench.scripts=checkout -Dbench.scriptBody=…}.
 */
public final class Benchmark {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> READINESS_PATHS = List.of("baseline/ping", "mik/run/hello");

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        BenchSettings settings = BenchSettings.fromSystemProperties();
        double loadBefore = loadAverage();
        Path baselineWar = BaselineWar.writeInto(settings.buildDir());
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        try (PayaraMicroProcess server = PayaraMicroProcess.start(settings, List.of(settings.war(), baselineWar))) {
            System.out.printf("Starting Payara Micro (pid %d) at %s; its output goes to %s%n",
                    server.pid(), server.uri(), server.log());
            server.awaitReady(client, READINESS_PATHS, STARTUP_TIMEOUT);
            System.out.printf("Payara Micro %s is serving %s and %s%n",
                    server.version(), server.uri().resolve("mik/"), server.uri().resolve("baseline/"));
            ClosedLoop loop = new ClosedLoop(client, server.uri());
            List<Target> targets = warmedUp(loop, settings, selectedTargets(settings));
            List<Measurement> measurements = new ArrayList<>();
            for (Target target : targets) {
                for (int concurrency : settings.concurrency()) {
                    Measurement measurement = loop.run(target, concurrency, settings.measure());
                    System.out.printf(Locale.ROOT, "  measured %s at concurrency %d: %.1f req/s%n",
                            target.request(), concurrency, measurement.requestsPerSecond());
                    measurements.add(measurement);
                }
            }
            System.out.printf("%nResults: %d s per row, closed loop, client in the same machine%n",
                    settings.measure().toSeconds());
            System.out.print(ResultTable.render(measurements));
            System.out.println(machine());
            System.out.printf(Locale.ROOT, "Load average (1 min): %.2f before the server started, %.2f after the "
                    + "runs%n", loadBefore, loadAverage());
        }
    }

    private static List<Target> selectedTargets(BenchSettings settings) {
        List<Target> targets = new ArrayList<>(List.of(
                Target.get("baseline-ping", "baseline", "/baseline/ping"),
                Target.post("baseline-echo", "baseline", "/baseline/echo", Target.SMALL_JSON),
                Target.get("mik-hello", "mik", "/mik/run/hello"),
                Target.post("mik-echo", "mik", "/mik/run/echo/x?q=1", Target.SMALL_JSON)));
        for (String name : settings.scripts()) {
            Path script = settings.scriptsDir().resolve(name + ".js");
            if (Files.isRegularFile(script)) {
                targets.add(Target.script(name, settings.scriptBody()));
            } else {
                System.out.printf("Skipping script %s: %s does not exist%n", name, script);
            }
        }
        return targets.stream().filter(settings::selects).toList();
    }

    /** Warms each target at the highest concurrency; a script that fails here is left out rather than measured. */
    private static List<Target> warmedUp(ClosedLoop loop, BenchSettings settings, List<Target> targets)
            throws InterruptedException {
        List<Target> warmed = new ArrayList<>();
        for (Target target : targets) {
            System.out.printf("  %s answers %s%n", target.request(), loop.sample(target));
            Measurement warmup = loop.run(target, settings.highestConcurrency(), settings.warmup());
            System.out.printf(Locale.ROOT, "  warmed up %s: %d requests, %d non-2xx%n",
                    target.request(), warmup.requests(), warmup.failed());
            if (warmup.failed() > 0 && target.optional()) {
                System.out.printf("Skipping %s: it answered %s during warmup%n", target.request(), warmup.failures());
            } else {
                warmed.add(target);
            }
        }
        return warmed;
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

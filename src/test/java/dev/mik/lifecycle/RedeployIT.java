package dev.mik.lifecycle;

import dev.mik.testing.MicroServer;
import dev.mik.testing.MikDeployment;
import dev.mik.testing.ServerJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue #11 item 4 on a real Payara Micro: the unpacked WAR is redeployed five times in the running server (touching
 * its {@code .reload} file, Payara Micro's hot deploy) under {@link RedeployLoad}, with a six-second run in flight each
 * time the undeploy starts. No request is lost, each run in flight finishes with 200, and after five redeploys the
 * server's threads and classes (read through the attach API, after garbage collection) have not grown.
 *
 * <p>Payara takes the application out of service before it tells any application code, so on Payara new requests
 * during an undeploy are answered by the server (its own 503, then 404 and 500 until the new version serves), never by
 * mik's 503 {@code draining}; mik's drain holds the release of its pool until the runs in flight are done.
 */
@DisabledIfSystemProperty(named = "arquillian.launch", matches = "wildfly",
        disabledReason = "redeploys in its own Payara Micro (payara-micro.jar is not fetched in the wildfly profile)")
class RedeployIT {

    static final int REDEPLOYS = 5;
    static final long SLOW_RUN_MS = 6_000;
    static final Duration REDEPLOY_TIMEOUT = Duration.ofSeconds(240);

    @Test
    void fiveRedeploysUnderLoadLoseNoRequestFinishRunsInFlightAndLeakNoThreadOrClass() throws Exception {
        MikDeployment.named("redeploy-it").handler("hello").handler("echo").fixture("slow").testScript("onecall");
        Path unpacked = unpack(Path.of(System.getProperty("mik.war", "target/mik.war")),
                Path.of(System.getProperty("mik.it.dir", "target/it")).toAbsolutePath().resolve("redeploy-it-war"));
        Map<String, Object> config = Map.of("mik.handlers.dir", MikDeployment.handlersDirOf("redeploy-it"),
                "mik.scripts.dir", MikDeployment.scriptsDirOf("redeploy-it"));
        try (MicroServer server = MicroServer.start("redeploy-it", unpacked, List.of("-Xmx768m"), config,
                List.of("--hotdeploy"));
                ServerJvm jvm = ServerJvm.attach(server.pid())) {
            URI base = server.base();
            List<ServerJvm.Sample> samples = new ArrayList<>();
            samples.add(jvm.sampleAfterGc(3));
            RedeployLoad load = new RedeployLoad(base);
            try (load) {
                for (int cycle = 1; cycle <= REDEPLOYS; cycle++) {
                    CompletableFuture<RedeployLoad.Outcome> slow = CompletableFuture.supplyAsync(
                            () -> RedeployLoad.send(base, "run/slow?ms=" + SLOW_RUN_MS, null));
                    Thread.sleep(1_000); // the slow run is under way
                    long touched = System.nanoTime();
                    Path reload = unpacked.resolve(".reload");
                    if (!Files.exists(reload)) {
                        Files.createFile(reload);
                    }
                    Files.setLastModifiedTime(reload, FileTime.from(Instant.now()));
                    awaitCount(server, "Draining (", cycle);
                    awaitCount(server, "was successfully deployed", cycle + 1);
                    RedeployLoad.awaitReady(base, REDEPLOY_TIMEOUT);
                    load.window(touched, System.nanoTime());
                    RedeployLoad.Outcome slowRun = slow.get();
                    assertEquals(200, slowRun.status(), "redeploy " + cycle + ": the run in flight: " + slowRun);
                    assertEquals("slept " + SLOW_RUN_MS, slowRun.body(), "redeploy " + cycle);
                    samples.add(jvm.sampleAfterGc(3));
                }
            }
            String log = server.log();
            System.out.println(load.report(samples, RedeployLoad.inFlightAtDrain(log)));
            load.assertClean(samples, log, REDEPLOYS);
        }
    }

    private static void awaitCount(MicroServer server, String line, int count) throws InterruptedException {
        long deadline = System.nanoTime() + REDEPLOY_TIMEOUT.toNanos();
        while (occurrences(server.log(), line) < count) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the server log did not show '" + line + "' " + count + " times; see "
                        + server.logFile());
            }
            Thread.sleep(200);
        }
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }

    /** Unpacks the WAR into a fresh {@code to}: Payara Micro redeploys an unpacked application in place. */
    private static Path unpack(Path war, Path to) throws IOException {
        if (Files.exists(to)) {
            try (var paths = Files.walk(to)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        Files.createDirectories(to);
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(war))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                Path target = to.resolve(entry.getName()).normalize();
                if (!target.startsWith(to)) {
                    throw new IOException("entry outside the WAR's directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target); // reads this entry only, and leaves the stream open
                }
            }
        }
        return to;
    }
}

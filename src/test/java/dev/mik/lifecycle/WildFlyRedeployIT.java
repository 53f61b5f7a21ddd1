package dev.mik.lifecycle;

import dev.mik.testing.JbossCli;
import dev.mik.testing.MikDeployment;
import dev.mik.testing.ServerJvm;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue #11 item 4 on a real WildFly: the WAR is redeployed five times through the management model, as an operator
 * does ({@code jboss-cli.sh deploy --force}, a full replace: undeploy, then deploy the new content), under
 * {@link RedeployLoad}, with a six-second run in flight each time (and {@code mik.shutdown.drain-ms} of 60 s to
 * finish it). No request is lost, each run in flight finishes with 200, and after five redeploys the server's threads
 * and classes (through the attach API, after garbage collection) have not grown.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@EnabledIfSystemProperty(named = "arquillian.launch", matches = "wildfly")
class WildFlyRedeployIT {

    private static final String NAME = "wildfly-redeploy-it";
    /** Long enough to be in flight when the undeploy starts: a jboss-cli.sh process takes seconds to get there. */
    private static final long SLOW_RUN_MS = 20_000;

    @ArquillianResource
    private URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        WebArchive war = MikDeployment.named(NAME).handler("hello").handler("echo").fixture("slow")
                .testScript("onecall").config(dev.mik.config.MikConfig.SHUTDOWN_DRAIN_MS, 60_000).war();
        war.as(ZipExporter.class).exportTo(archive().toFile(), true);
        return war;
    }

    /** The same WAR as a file, for the CLI's redeploys; its name is the deployment's. */
    private static Path archive() {
        return Path.of(System.getProperty("mik.it.dir", "target/it")).toAbsolutePath().resolve(NAME + ".war");
    }

    @Test
    void fiveRedeploysUnderLoadLoseNoRequestFinishRunsInFlightAndLeakNoThreadOrClass() throws Exception {
        URI root = URI.create(base.toString().endsWith("/") ? base.toString() : base + "/");
        Path serverLog = Path.of(System.getProperty("mik.wildfly.it.dir"), "log", "server.log");
        RedeployLoad.awaitReady(root, RedeployIT.REDEPLOY_TIMEOUT);
        long logStart = Files.size(serverLog); // the server's log also holds the other tests' deployments
        try (ServerJvm jvm = ServerJvm.attach(JbossCli.serverPid())) {
            List<ServerJvm.Sample> samples = new ArrayList<>();
            samples.add(jvm.sampleAfterGc(3));
            RedeployLoad load = new RedeployLoad(root);
            try (load) {
                for (int cycle = 1; cycle <= RedeployIT.REDEPLOYS; cycle++) {
                    CompletableFuture<RedeployLoad.Outcome> slow = CompletableFuture.supplyAsync(
                            () -> RedeployLoad.send(root, "run/slow?ms=" + SLOW_RUN_MS, null));
                    // the slow run is under way: 3 s of its 20, so a server slowed by other builds has taken it in
                    Thread.sleep(3_000);
                    long started = System.nanoTime();
                    JbossCli.run("deploy " + archive() + " --force");
                    RedeployLoad.awaitReady(root, RedeployIT.REDEPLOY_TIMEOUT);
                    load.window(started, System.nanoTime());
                    RedeployLoad.Outcome slowRun = slow.get();
                    assertEquals(200, slowRun.status(), "redeploy " + cycle + ": the run in flight: " + slowRun);
                    assertEquals("slept " + SLOW_RUN_MS, slowRun.body(), "redeploy " + cycle);
                    samples.add(jvm.sampleAfterGc(3));
                }
            }
            byte[] logged = Files.readAllBytes(serverLog);
            String log = new String(logged, (int) logStart, logged.length - (int) logStart,
                    java.nio.charset.StandardCharsets.UTF_8);
            System.out.println(load.report(samples, RedeployLoad.inFlightAtDrain(log)));
            load.assertClean(samples, log, RedeployIT.REDEPLOYS);
        }
    }
}

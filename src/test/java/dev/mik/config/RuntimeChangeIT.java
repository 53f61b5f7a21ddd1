package dev.mik.config;

import dev.mik.testing.Http;
import dev.mik.testing.MicroServer;
import dev.mik.testing.MikDeployment;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import static dev.mik.config.RuntimeChangeChecks.assertRefusedWhile500StaysInForce;
import static dev.mik.config.RuntimeChangeChecks.awaitMs;
import static dev.mik.config.RuntimeChangeChecks.configCheck;
import static dev.mik.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue #11 item 3 on a real Payara Micro: a {@code mik.*} value changed the way an operator changes it on a running
 * Payara Micro, which has no admin console, takes effect without a redeploy. The server reads MicroProfile Config from
 * a directory ({@code set-config-dir}, in a post-boot command file), one file per key, as Kubernetes mounts a
 * ConfigMap; Payara keeps a read value for {@code set-config-cache --duration} seconds. Here
 * {@code mik.handler.timeout-ms} goes from its default (30 s) to 500 ms, and a 1.5 s run that was answered 200 times
 * out; then to {@code "soon"}, refused: runs keep the 500 ms in force and readiness names key, value and range; then
 * back to a valid value.
 */
@DisabledIfSystemProperty(named = "arquillian.launch", matches = "wildfly",
        disabledReason = "changes config in its own Payara Micro (payara-micro.jar is not fetched in the wildfly"
                + " profile)")
class RuntimeChangeIT {

    private static final Logger LOG = Logger.getLogger(RuntimeChangeIT.class.getName());
    /** Payara's config cache, set short here; the README gives the operator's default. */
    private static final int CACHE_SECONDS = 5;
    /** The longest a change may take to apply: Payara's cache plus mik's own one-second read, with a wide margin. */
    private static final long APPLY_MAX_MS = (CACHE_SECONDS + MikConfig.REFRESH_MS / 1000) * 1000 + 30_000;

    @Test
    void aValueChangedOnTheRunningServerAppliesAndAnInvalidOneIsRefusedWhileRunsGoOn() throws Exception {
        MikDeployment.named("runtime-change-it").handler("hello").fixture("slow");
        Path root = Path.of(System.getProperty("mik.it.dir", "target/it")).toAbsolutePath()
                .resolve("runtime-change-it");
        Path configDir = Files.createDirectories(root.resolve("config"));
        Path key = configDir.resolve(MikConfig.HANDLER_TIMEOUT_MS);
        Files.deleteIfExists(key);
        Path postBoot = root.resolve("post-boot.asadmin");
        Files.writeString(postBoot, "set-config-dir --directory=" + configDir + "\n"
                + "set-config-cache --duration=" + CACHE_SECONDS + "\n");
        // the timeouts below must not open the module's circuit breaker, which would hide the next change for 30 s
        Map<String, Object> config = Map.of("mik.handlers.dir", MikDeployment.handlersDirOf("runtime-change-it"),
                "mik.scripts.dir", MikDeployment.scriptsDirOf("runtime-change-it"),
                MikConfig.BREAKER_FAILURE_THRESHOLD, 1_000);
        try (MicroServer server = MicroServer.start("runtime-change-it",
                Path.of(System.getProperty("mik.war", "target/mik.war")), List.of("-Xmx512m"), config,
                List.of("--postbootcommandfile", postBoot.toString()))) {
            Http http = new Http(server.base().toURL());
            assertEquals(200, http.get("run/slow?ms=1500").status(), "the default 30 s timeout lets it finish");

            Files.writeString(key, "500");
            long appliedMs = awaitMs(() -> http.get("run/slow?ms=1500"), reply -> reply.status() == 504,
                    APPLY_MAX_MS);
            JsonObject timedOut = assertProblem(http.get("run/slow?ms=1500"), 504, "timeout");
            assertEquals(500, timedOut.getInt("timeoutMs"));
            assertEquals(200, http.get("run/slow?ms=100").status());

            Files.writeString(key, "soon");
            long refusedMs = assertRefusedWhile500StaysInForce(http, APPLY_MAX_MS);
            assertEquals(1, occurrences(server.log(), "Refused configuration value " + MikConfig.HANDLER_TIMEOUT_MS
                    + "=soon"), "logged once");

            Files.writeString(key, "5000");
            long validAgainMs = awaitMs(() -> http.get("run/slow?ms=1500"), reply -> reply.status() == 200,
                    APPLY_MAX_MS);
            assertEquals("UP", configCheck(http.get("_mik/health/ready").json()).getString("status"));
            String applied = "A changed " + MikConfig.HANDLER_TIMEOUT_MS + " applied after " + appliedMs
                    + " ms, a refused one was reported after " + refusedMs + " ms, a valid one again after "
                    + validAgainMs + " ms (Payara config cache " + CACHE_SECONDS + " s)";
            LOG.info(applied);
            System.out.println(applied);
        }
    }



    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }
}

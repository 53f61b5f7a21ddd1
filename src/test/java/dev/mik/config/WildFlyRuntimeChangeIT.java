package dev.mik.config;

import dev.mik.testing.JbossCli;
import dev.mik.testing.MikDeployment;
import dev.mik.testing.ServerTest;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.mik.config.RuntimeChangeChecks.assertRefusedWhile500StaysInForce;
import static dev.mik.config.RuntimeChangeChecks.awaitMs;
import static dev.mik.config.RuntimeChangeChecks.configCheck;
import static dev.mik.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue #11 item 3 on a real WildFly: a {@code mik.*} value changed in the management model, as the console and
 * {@code jboss-cli.sh} change it (a system property: {@code /system-property=mik.handler.timeout-ms:add(value=500)}),
 * takes effect without a redeploy; an invalid value is refused while runs go on with the last valid one and readiness
 * names key, value and range; removing the property brings the deployment's own value back.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@EnabledIfSystemProperty(named = "arquillian.launch", matches = "wildfly")
class WildFlyRuntimeChangeIT extends ServerTest {

    /** The longest a change may take to apply: mik reads its settings every second; a wide margin. */
    private static final long APPLY_MAX_MS = 30_000;
    /** How long the deployment may take to become ready (compiling and rehearsing) on a loaded machine. */
    private static final long WARMUP_MAX_MS = 240_000;
    private static final String PROPERTY = "/system-property=" + MikConfig.HANDLER_TIMEOUT_MS;

    @Deployment(testable = false)
    static WebArchive deployment() {
        // the timeouts below must not open the module's circuit breaker, which would hide the next change for 30 s
        return MikDeployment.named("wildfly-runtime-change-it").handler("hello").fixture("slow")
                .config(MikConfig.BREAKER_FAILURE_THRESHOLD, 1_000).war();
    }

    @Test
    void aSystemPropertyChangedInTheManagementModelAppliesAndAnInvalidOneIsRefusedWhileRunsGoOn() throws Exception {
        awaitMs(() -> http.get("_mik/health/ready"), reply -> reply.status() == 200, WARMUP_MAX_MS);
        assertEquals(200, http.get("run/slow?ms=1500").status(), "the default 30 s timeout lets it finish");
        try {
            JbossCli.run(PROPERTY + ":add(value=500)");
            long appliedMs = awaitMs(() -> http.get("run/slow?ms=1500"), reply -> reply.status() == 504,
                    APPLY_MAX_MS);
            assertEquals(500, assertProblem(http.get("run/slow?ms=1500"), 504, "timeout").getInt("timeoutMs"));

            JbossCli.run(PROPERTY + ":write-attribute(name=value,value=soon)");
            long refusedMs = assertRefusedWhile500StaysInForce(http, APPLY_MAX_MS);

            JbossCli.run(PROPERTY + ":remove");
            long restoredMs = awaitMs(() -> http.get("run/slow?ms=1500"), reply -> reply.status() == 200,
                    APPLY_MAX_MS);
            assertEquals("UP", configCheck(http.get("_mik/health/ready").json()).getString("status"));
            System.out.println("WildFly: a changed " + MikConfig.HANDLER_TIMEOUT_MS + " applied after " + appliedMs
                    + " ms, a refused one was reported after " + refusedMs + " ms, the removal applied after "
                    + restoredMs + " ms");
        } finally {
            try {
                JbossCli.run(PROPERTY + ":remove");
            } catch (IllegalStateException alreadyRemoved) {
                // the test removed it itself
            }
        }
    }



}

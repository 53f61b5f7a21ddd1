package dev.mik.run;

import dev.mik.testing.Http;
import dev.mik.testing.MikDeployment;
import dev.mik.testing.ServerTest;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.mik.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Handler memory on a real server (-Xmx768m, a pool of half the heap so one run fits at its cap, a 256 MiB per-instance
 * cap so that a few runs at their cap exceed the heap): an instance's memories and tables count together, runs
 * reserve from the server's memory pool so memory hogs fail fast instead of the heap filling up, and ready instances
 * of an idle module give their memory back.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HandlerMemoryIT extends ServerTest {

    private static final long IDLE_RELEASE_MS = 3000;
    private static final long CAP = 256L << 20;
    /** The default handler timeout: a run stalled by garbage collection would end as a 504 after it. */
    private static final long TIMEOUT_MS = 30_000;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return MikDeployment.named("handler-memory-it")
                .handler("hello")
                .handler("payment")
                .fixture("hog").fixture("grower").fixture("multimem").fixture("bigtable").fixture("multigrow")
                .fixture("slowstart")
                .config("mik.handler.timeout-ms", TIMEOUT_MS)
                .config("mik.handler.memory-max-bytes", CAP)
                .config("mik.memory.pool-percent", 50)
                .config("mik.pool.idle-release-ms", IDLE_RELEASE_MS)
                .config("mik.breaker.failure-threshold", 1000) // the storms here are about memory, not the breaker
                .war();
    }

    /** A test that follows a storm starts once the heap pressure it left has passed. */
    @BeforeEach
    void heapSettled() throws InterruptedException {
        awaitReady();
    }

    @Test
    void sixteenMemoriesInOneModuleAreRefusedAtLoad() {
        Http.Reply reply = http.get("run/multimem");
        JsonObject problem = assertProblem(reply, 500, "module-invalid");
        String detail = problem.getString("detail");
        assertTrue(detail.contains("16 linear memories") && detail.contains("mik.handler.memory-max-bytes"), detail);
        assertTrue(reply.millis() < 5_000, reply::toString);
    }

    @Test
    void hugeFixedTablesAreRefusedAtLoad() {
        Http.Reply reply = http.get("run/bigtable");
        JsonObject problem = assertProblem(reply, 500, "module-invalid");
        assertTrue(problem.getString("detail").contains("30000000 slots"), problem::toString);
        assertTrue(reply.millis() < 5_000, reply::toString);
    }

    @Test
    void memoriesOfOneInstanceShareOneCap() {
        JsonObject problem = assertProblem(http.get("run/multigrow"), 500, "memory-limit");
        assertTrue(problem.getString("detail").contains("mik.handler.memory-max-bytes"), problem::toString);
    }

    /** The C hog declares the cap as its own maximum too, so either limit may be the one it meets first. */
    @Test
    void aHandlerThatTouchesEveryByteUpToTheCapEndsWithMemoryLimit() {
        JsonObject problem = assertProblem(http.get("run/hog"), 500, "memory-limit");
        assertEquals("instance", problem.getString("limit"), problem::toString);
    }

    /**
     * 16 runs growing to the 256 MiB cap would need 4 GiB of a 768 MiB heap; the pool (half the heap) lets about one
     * reach its cap and refuses the others a growth at once: every reply is memory-limit or 503, none a 504 or an
     * unexpected failure, and the server keeps serving. (Growing costs garbage collection of 64 KiB page buffers,
     * seconds on a loaded 2-core machine, so the time bound is the handler timeout, not a tight figure.)
     */
    @Test
    void concurrentMemoryHogsEndWithMemoryLimitOrOverloadedNeverATimeout() throws Exception {
        for (int round = 0; round < 2; round++) {
            List<Http.Reply> replies = concurrently(16, 16, i -> http.get("run/grower"));
            for (Http.Reply reply : replies) {
                if (reply.status() == 503) {
                    assertProblem(reply, 503, "overloaded");
                    assertTrue(reply.header("Retry-After").matches("[12]"), reply::toString);
                } else {
                    assertProblem(reply, 500, "memory-limit");
                }
                assertTrue(reply.millis() < TIMEOUT_MS, reply::toString);
            }
            awaitReady();
            assertEquals(200, http.get("run/hello").status(), "the server keeps serving");
        }
    }

    @Test
    void readyInstancesOfAnIdleModuleGiveTheirMemoryBack() throws Exception {
        // instances are made ahead only for a module slow to instantiate (250 µs or more): on a fast machine no demo
        // module is, so slowstart's table of a million slots is filled at every instantiation (milliseconds)
        for (int i = 0; i < 5; i++) {
            assertEquals(200, http.get("run/hello").status());
            assertEquals(200, http.get("run/slowstart").status());
        }
        assertTrue(awaitGauge("mik_handler_pages_reused_total", value -> value > 0, 10_000),
                "later runs should take the pages earlier runs gave back");
        assertTrue(awaitGauge("mik_handler_ready_bytes", value -> value > 0, 10_000),
                "the module's ready instances should hold memory after a request");
        assertTrue(awaitGauge("mik_handler_ready_bytes", value -> value == 0, IDLE_RELEASE_MS + 10_000),
                "ready instances of an idle module should be released");
        assertTrue(awaitGauge("mik_memory_reserved_bytes", value -> value == 0, IDLE_RELEASE_MS + 10_000),
                "nothing should stay reserved once every module is idle, kept pages included");
        assertTrue(awaitGauge("mik_memory_kept_bytes", value -> value == 0, 1_000));
    }

    private interface LongCheck {
        boolean test(long value);
    }

    private boolean awaitGauge(String name, LongCheck check, long timeoutMs) throws InterruptedException {
        Pattern line = Pattern.compile("(?m)^" + name + " (\\d+)$");
        long deadline = System.currentTimeMillis() + timeoutMs;
        do {
            Matcher matcher = line.matcher(http.get("_mik/metrics").body());
            if (matcher.find() && check.test(Long.parseLong(matcher.group(1)))) {
                return true;
            }
            Thread.sleep(100);
        } while (System.currentTimeMillis() < deadline);
        return false;
    }
}

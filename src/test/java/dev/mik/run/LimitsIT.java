package dev.mik.run;

import dev.mik.testing.Http;
import dev.mik.testing.MikDeployment;
import dev.mik.testing.ServerTest;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.mik.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Concurrency limits and the circuit breaker, on a server configured with small limits. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LimitsIT extends ServerTest {

    private static final int MAX_TOTAL = 4;
    private static final int MAX_PER_MODULE = 2;
    private static final long BREAKER_OPEN_MS = 1500;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return MikDeployment.named("limits-it")
                .handler("hello")
                .fixture("slow").fixture("slow", "slowa").fixture("slow", "slowb").fixture("slow", "slowc")
                .fixture("trap")
                .config("mik.concurrency.max", MAX_TOTAL)
                .config("mik.concurrency.per-module", MAX_PER_MODULE)
                .config("mik.handler.timeout-ms", 10_000)
                .config("mik.breaker.failure-threshold", 3)
                .config("mik.breaker.open-ms", BREAKER_OPEN_MS)
                .war();
    }

    @Test
    void moduleOverItsConcurrencyLimitAnswers429WithRetryAfter() throws Exception {
        assertEquals(200, http.get("run/slow?ms=1").status());
        List<Http.Reply> replies = concurrently(MAX_PER_MODULE + 1, MAX_PER_MODULE + 1,
                i -> http.get("run/slow?ms=1500"));
        long ok = replies.stream().filter(r -> r.status() == 200).count();
        List<Http.Reply> refused = replies.stream().filter(r -> r.status() == 429).toList();
        assertEquals(MAX_PER_MODULE, ok, replies::toString);
        assertEquals(1, refused.size(), replies::toString);
        assertProblem(refused.get(0), 429, "rate-limited");
        assertEquals("1", refused.get(0).header("Retry-After"));
    }

    @Test
    void serverOverItsConcurrencyLimitAnswers503WithRetryAfter() throws Exception {
        for (String module : List.of("slowa", "slowb", "slowc")) {
            assertEquals(200, http.get("run/" + module + "?ms=1").status());
        }
        ExecutorService clients = Executors.newFixedThreadPool(MAX_TOTAL);
        try {
            List<Future<Http.Reply>> busy = new ArrayList<>();
            for (int i = 0; i < MAX_TOTAL; i++) {
                String module = i % 2 == 0 ? "slowa" : "slowb";
                busy.add(clients.submit(() -> http.get("run/" + module + "?ms=2500")));
            }
            Thread.sleep(800);
            Http.Reply refused = http.get("run/slowc?ms=1");
            assertProblem(refused, 503, "overloaded");
            assertEquals("1", refused.header("Retry-After"));
            for (Future<Http.Reply> reply : busy) {
                assertEquals(200, reply.get().status(), () -> String.valueOf(reply));
            }
        } finally {
            clients.shutdownNow();
        }
        assertEquals(200, http.get("run/slowc?ms=1").status());
    }

    @Test
    void repeatedFailuresOpenTheBreakerAndAProbeIsLetThroughLater() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertProblem(http.get("run/trap"), 500, "handler-error");
        }
        Http.Reply open = http.get("run/trap");
        assertProblem(open, 503, "circuit-open");
        assertTrue(Integer.parseInt(open.header("Retry-After")) >= 1);
        assertEquals(200, http.get("run/hello").status(), "other modules are unaffected");
        Thread.sleep(BREAKER_OPEN_MS + 200);
        assertProblem(http.get("run/trap"), 500, "handler-error");
        assertProblem(http.get("run/trap"), 503, "circuit-open");
    }
}

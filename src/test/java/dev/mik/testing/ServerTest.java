package dev.mik.testing;

import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.BeforeEach;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * An integration test that talks to its deployment over HTTP, from the client side. A subclass declares
 * {@code @ExtendWith(ArquillianExtension.class)}, {@code @RunAsClient} and its {@code @Deployment(testable = false)}.
 */
public abstract class ServerTest {

    /** Where Arquillian deployed this test class's WAR. */
    @ArquillianResource
    private URL base;

    /**
     * How long a deployment's first test waits for readiness: mik's warm-up (compiling ahead, then one request per
     * route) runs after the deployment Arquillian waits for; with the eight demo modules it took 15 s on a busy
     * 2-core machine.
     */
    private static final long FIRST_READY_NANOS = 90_000_000_000L;

    /** Deployments (by URL) whose readiness a test already waited for. */
    private static final Set<String> READIED = ConcurrentHashMap.newKeySet();

    /** A client for the deployment, made before each test. */
    protected Http http;

    /**
     * Makes the client; before a deployment's first test, waits for its readiness, so that no test measures the
     * warm-up instead of what it tests (RunawayIT's first case took 4.2 s on a server still warming up). A deployment
     * that never turns ready is tested all the same once the wait is over.
     */
    @BeforeEach
    protected void connect() throws InterruptedException {
        http = new Http(base);
        if (READIED.add(base.toString())) {
            awaitReady(FIRST_READY_NANOS);
        }
    }

    /**
     * Waits up to 20 s for readiness: after a storm the server sheds load while its heap is under pressure
     * (503 {@code overloaded}, reason heap) and recovers by itself.
     */
    protected void awaitReady() throws InterruptedException {
        awaitReady(20_000_000_000L);
    }

    private void awaitReady(long withinNanos) throws InterruptedException {
        long deadline = System.nanoTime() + withinNanos;
        while (http.get("_mik/health/ready").status() != 200 && System.nanoTime() - deadline < 0) {
            Thread.sleep(100);
        }
    }

    /** Sends {@code count} requests, numbered from 0, over {@code clients} threads; the replies in request order. */
    protected static List<Http.Reply> concurrently(int clients, int count, IntFunction<Http.Reply> request)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Http.Reply>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> request.apply(n)));
            }
            List<Http.Reply> replies = new ArrayList<>();
            for (Future<Http.Reply> future : futures) {
                replies.add(future.get());
            }
            return replies;
        } finally {
            pool.shutdownNow();
        }
    }
}

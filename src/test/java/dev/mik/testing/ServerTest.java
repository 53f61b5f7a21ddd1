package dev.mik.testing;

import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.BeforeEach;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
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

    /** A client for the deployment, made before each test. */
    protected Http http;

    @BeforeEach
    protected void connect() {
        http = new Http(base);
    }

    /**
     * Waits up to 20 s for readiness: after a storm the server sheds load while its heap is under pressure
     * (503 {@code overloaded}, reason heap) and recovers by itself.
     */
    protected void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
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

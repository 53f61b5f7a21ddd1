package dev.mik.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Closed-loop load: {@code concurrency} workers each send one request, wait for the whole answer, and send the next,
 * until the time is up. Throughput is therefore what the server sustains at that many requests in flight.
 */
final class ClosedLoop {

    private static final int EXPECTED_REQUESTS_PER_WORKER = 1 << 16;
    private static final int SAMPLE_CHARS = 100;

    private final HttpClient client;
    private final URI server;

    ClosedLoop(HttpClient client, URI server) {
        this.client = client;
        this.server = server;
    }

    /** One request, answered in full: what a target really says, shown before it is measured. */
    String sample(Target target) throws InterruptedException {
        try {
            HttpResponse<String> response =
                    client.send(target.httpRequest(server), HttpResponse.BodyHandlers.ofString());
            String body = response.body().replaceAll("\\s+", " ").strip();
            return response.statusCode() + " "
                    + (body.length() > SAMPLE_CHARS ? body.substring(0, SAMPLE_CHARS) + "…" : body);
        } catch (IOException e) {
            return e.toString();
        }
    }

    Measurement run(Target target, int concurrency, Duration duration) throws InterruptedException {
        HttpRequest request = target.httpRequest(server);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<Worker>> running = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                running.add(workers.submit(() -> new Worker().loop(request, start, duration)));
            }
            long started = System.nanoTime();
            start.countDown();
            List<Worker> done = new ArrayList<>();
            for (Future<Worker> worker : running) {
                done.add(worker.get());
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Measurement(target, concurrency, seconds,
                    LatencySamples.mergeSorted(done.stream().map(worker -> worker.latencies).toList()),
                    mergedFailures(done));
        } catch (ExecutionException e) {
            throw new IllegalStateException("a load worker for " + target.request() + " failed", e.getCause());
        } finally {
            workers.shutdownNow();
        }
    }

    private static Map<String, Integer> mergedFailures(List<Worker> workers) {
        Map<String, Integer> failures = new TreeMap<>();
        workers.forEach(worker -> worker.failures.forEach((kind, count) -> failures.merge(kind, count, Integer::sum)));
        return failures;
    }

    private final class Worker {

        final LatencySamples latencies = new LatencySamples(EXPECTED_REQUESTS_PER_WORKER);
        final Map<String, Integer> failures = new TreeMap<>();

        Worker loop(HttpRequest request, CountDownLatch start, Duration duration) throws InterruptedException {
            start.await();
            long deadline = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < deadline) {
                long sent = System.nanoTime();
                String failure = send(request);
                latencies.record(System.nanoTime() - sent);
                if (failure != null) {
                    failures.merge(failure, 1, Integer::sum);
                }
            }
            return this;
        }

        /** Returns what went wrong, or null for a 2xx answer. */
        private String send(HttpRequest request) throws InterruptedException {
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                return status >= 200 && status < 300 ? null : String.valueOf(status);
            } catch (IOException e) {
                return Measurement.IO_ERROR;
            }
        }
    }
}

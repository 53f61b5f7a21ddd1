package dev.mik.lifecycle;

import dev.mik.observability.RequestCorrelation;
import dev.mik.testing.ServerJvm;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Light load on a server while it redeploys mik: three clients call {@code /run/hello} (two) and
 * {@code /script/onecall} (one) one request after another, and every request's end is kept.
 *
 * <p>What "lost" means: a request mik accepted (its answer carries mik's {@code X-Request-ID}) that was not answered
 * 200 or 503 {@code draining} with {@code Retry-After}, or any request that ended without an answer (a reset, a
 * timeout). The server itself answers while mik is not deployed (its own 404, 500 or 503, without mik's header); each
 * such answer must fall inside a redeploy window, from the start of the undeploy to the new version's readiness.
 */
final class RedeployLoad implements AutoCloseable {

    /** Threads a server may add to its own pools between two samples without anything leaking. */
    static final int THREAD_SLACK = 10;
    private static final Pattern DRAIN_LINE =
            Pattern.compile("Draining \\([^)]*\\): [^;]*; (\\d+) run\\(s\\) in flight");
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** One request and how it ended. */
    record Outcome(String path, long sentNanos, long endedNanos, int status, boolean fromMik, boolean retryAfter,
            String body, String error) {

        boolean drainingRefusal() {
            return status == 503 && retryAfter && body.contains("\"code\":\"DRAINING\"");
        }

        boolean lost() {
            return error != null || fromMik && status != 200 && !drainingRefusal();
        }

        String kind() {
            return error != null ? "no answer" : (fromMik ? "mik " : "server ") + status
                    + (drainingRefusal() ? " draining" : "");
        }
    }

    /** From the start of an undeploy to the new version's readiness. */
    record Window(long fromNanos, long toNanos) {
        boolean holds(Outcome outcome) {
            return outcome.sentNanos() < toNanos && outcome.endedNanos() > fromNanos;
        }
    }

    private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    private final List<Window> windows = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> clients = new ArrayList<>();

    RedeployLoad(URI base) {
        clients.add(client(base, "run/hello", null));
        clients.add(client(base, "run/hello", null));
        clients.add(client(base, "script/onecall", "{\"n\":1}"));
        clients.forEach(Thread::start);
    }

    void window(long fromNanos, long toNanos) {
        windows.add(new Window(fromNanos, toNanos));
    }

    List<Outcome> lost() {
        return List.copyOf(outcomes).stream().filter(Outcome::lost).toList();
    }

    /** Answers that came neither from mik nor inside a redeploy window. */
    List<Outcome> unexplained() {
        return List.copyOf(outcomes).stream()
                .filter(o -> !o.fromMik() && o.error() == null && windows.stream().noneMatch(w -> w.holds(o)))
                .toList();
    }

    long served() {
        return List.copyOf(outcomes).stream().filter(o -> o.status() == 200).count();
    }

    /** Counts by kind, the windows' lengths and the server samples, as the test's output shows them. */
    String report(List<ServerJvm.Sample> samples, List<Integer> inFlightAtDrain) {
        Map<String, Long> byKind = new TreeMap<>();
        List.copyOf(outcomes).forEach(o -> byKind.merge(o.kind(), 1L, Long::sum));
        StringBuilder text = new StringBuilder("Redeploys under load: " + outcomes.size() + " requests " + byKind
                + "; runs in flight at each drain " + inFlightAtDrain + "; redeploy windows (s)");
        windows.forEach(w -> text.append(' ').append((w.toNanos() - w.fromNanos()) / 1_000_000 / 1000.0));
        text.append("\nafter GC (0 = before the first redeploy): live threads / loaded classes / total loaded / mik"
                + " threads");
        for (int i = 0; i < samples.size(); i++) {
            ServerJvm.Sample s = samples.get(i);
            text.append("\n  ").append(i).append(": ").append(s.liveThreads()).append(" / ")
                    .append(s.loadedClasses()).append(" / ").append(s.totalLoadedClasses()).append(" / ")
                    .append(s.threadsNamed("mik-"));
        }
        return text.toString();
    }

    private Thread client(URI base, String path, String body) {
        Thread client = new Thread(() -> {
            while (running.get()) {
                outcomes.add(send(base, path, body));
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "redeploy-load-" + path);
        client.setDaemon(true);
        return client;
    }

    static Outcome send(URI base, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .method(body == null ? "GET" : "POST", body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
        long sent = System.nanoTime();
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Outcome(path, sent, System.nanoTime(), response.statusCode(),
                    response.headers().firstValue(RequestCorrelation.REQUEST_ID_HEADER).isPresent(),
                    response.headers().firstValue("Retry-After").isPresent(), response.body(), null);
        } catch (IOException e) {
            return new Outcome(path, sent, System.nanoTime(), 0, false, false, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(path, sent, System.nanoTime(), 0, false, false, "", "interrupted");
        }
    }

    /** Waits until readiness answers 200, up to {@code timeout}. */
    static void awaitReady(URI base, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (send(base, "_mik/health/ready", null).status() != 200) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not ready again within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    /** How many runs were in flight as each drain began, from mik's log lines. */
    static List<Integer> inFlightAtDrain(String log) {
        List<Integer> counts = new ArrayList<>();
        Matcher line = DRAIN_LINE.matcher(log);
        while (line.find()) {
            counts.add(Integer.parseInt(line.group(1)));
        }
        return counts;
    }

    /**
     * Threads do not grow from the first redeploy to the last (samples after garbage collection; the
     * first redeploy is the reference because the server's own pools fill up with the first load): live threads
     * grow by at most {@value #THREAD_SLACK}, and no thread named by mik is left over: each deployment numbers its
     * threads from 1 and its pool grows and shrinks with the load, so a name seen twice is an earlier deployment's
     * thread still alive. Loaded classes grow by less than half of one deployment's classes over all the redeploys,
     * where each deployment that stayed reachable would add all of them.
     */
    static List<Executable> noGrowth(List<ServerJvm.Sample> samples) {
        ServerJvm.Sample first = samples.get(1);
        ServerJvm.Sample last = samples.get(samples.size() - 1);
        int redeploys = samples.size() - 2;
        long loadedPerDeployment = (last.totalLoadedClasses() - first.totalLoadedClasses()) / redeploys;
        System.out.printf("loaded classes after GC: %d before the redeploys, %d after %d redeploys of about %d"
                + " classes each%n", first.loadedClasses(), last.loadedClasses(), redeploys, loadedPerDeployment);
        return List.of(
                () -> assertTrue(loadedPerDeployment > 1_000,
                        "each redeploy loaded mik's classes anew: " + loadedPerDeployment),
                () -> assertTrue(last.loadedClasses() - first.loadedClasses() < loadedPerDeployment / 2,
                        "loaded classes grew from " + first.loadedClasses() + " to " + last.loadedClasses() + " over "
                                + redeploys + " redeploys of " + loadedPerDeployment + " classes each: an earlier"
                                + " deployment is still reachable"),
                () -> assertTrue(last.liveThreads() <= first.liveThreads() + THREAD_SLACK,
                        "live threads grew from " + first.liveThreads() + " to " + last.liveThreads()),
                () -> assertEquals(new java.util.TreeSet<>(last.threadsNamed("mik-")).size(),
                        last.threadsNamed("mik-").size(), "a thread of an earlier deployment of mik is still alive"
                                + " (each deployment names its threads from 1): " + last.threadsNamed("mik-")));
    }

    /**
     * Every property of a redeploy run, checked together so a failure report shows which hold and which do not: one
     * drain per undeploy, each with the slow run in flight and none given up on, no request lost, every server answer
     * inside a redeploy window, the load served, and {@link #noGrowth}.
     */
    void assertClean(List<ServerJvm.Sample> samples, String log, int redeploys) {
        List<Integer> inFlightAtDrain = inFlightAtDrain(log);
        List<Executable> checks = new ArrayList<>(List.of(
                () -> assertEquals(redeploys, inFlightAtDrain.size(), "one drain per undeploy"),
                () -> assertTrue(inFlightAtDrain.stream().allMatch(count -> count >= 1),
                        "the slow run was in flight when each drain began: " + inFlightAtDrain),
                () -> assertFalse(log.contains("still in flight after"), "a drain gave up on a run"),
                () -> assertEquals(List.of(), lost(), "requests lost"),
                () -> assertEquals(List.of(), unexplained(), "server answers outside any redeploy window"),
                () -> assertTrue(served() > 100, "the load kept being served: " + served())));
        checks.addAll(noGrowth(samples));
        assertAll(checks);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread client : clients) {
            client.join(70_000);
        }
    }
}

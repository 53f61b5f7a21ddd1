package dev.mik.observability;

import dev.mik.testing.MicroServer;
import dev.mik.testing.OtlpReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #11 item 5 on a real Payara Micro: with {@code mik.otel.endpoint} pointing at an OTLP/HTTP receiver this test
 * runs, the demo checkout is exported as one trace (the response's {@code traceparent}'s, continuing the caller's)
 * with a span for the request, the script, each {@code host.call} and each handler's compile, instantiate and run;
 * and the server log holds the request's access line.
 */
class TraceExportIT {

    private static final String ORDER =
            "{\"token\":\"demo-token-alice\",\"items\":[{\"sku\":\"MUG-01\",\"qty\":2}],\"payment\":\"card\"}";
    private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private static final List<String> CHECKOUT_CALLS = List.of("auth", "inventory", "payment", "orders",
            "notifications");
    private static final Duration EXPORT_WAIT = Duration.ofSeconds(30);
    /** Small enough for a test to be refused unread; the checkout's order fits. */
    private static final int REQUEST_MAX_BYTES = 1_000;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static OtlpReceiver receiver;
    private static MicroServer server;

    @BeforeAll
    static void startServer() throws Exception {
        receiver = OtlpReceiver.start();
        Path root = Path.of(System.getProperty("mik.it.dir", "target/it")).toAbsolutePath().resolve("trace-export-it");
        Path handlers = root.resolve("handlers");
        Path scripts = root.resolve("scripts");
        MicroServer.copyShipped(Path.of("handlers"), ".wasm", handlers);
        MicroServer.copyShipped(Path.of("scripts"), ".js", scripts);
        Files.createDirectories(scripts);
        server = MicroServer.start("trace-export-it", List.of("-Xmx768m"), Map.of(
                "mik.handlers.dir", handlers,
                "mik.scripts.dir", scripts,
                "mik.otel.endpoint", receiver.endpoint(),
                "mik.otel.service-name", "mik-it",
                "mik.request.max-bytes", REQUEST_MAX_BYTES));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void theCheckoutIsOneTraceWithASpanForTheScriptEachCallAndEachHandlerStep() throws Exception {
        HttpResponse<String> reply = send(HttpRequest.newBuilder(server.base().resolve("script/checkout"))
                .header("traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01")
                .header("X-Request-ID", "it-checkout-1")
                .POST(HttpRequest.BodyPublishers.ofString(ORDER)));
        assertEquals(201, reply.statusCode(), reply.body());
        TraceContext answered = TraceContext.caller(reply.headers().firstValue("traceparent").orElseThrow());
        assertEquals(CALLER_TRACE, answered.traceId(), "the caller's trace is continued");

        // request + script + 5 × (host.call + handler + compile + instantiate + run)
        int expected = 2 + CHECKOUT_CALLS.size() * 5;
        List<OtlpReceiver.Received> trace = receiver.await(spans -> inTrace(spans, CALLER_TRACE).size() >= expected,
                EXPORT_WAIT).stream().filter(span -> span.traceId().equals(CALLER_TRACE)).toList();
        assertEquals(expected, trace.size(), () -> names(trace));
        assertTrue(trace.stream().allMatch(span -> "mik-it".equals(span.serviceName())), () -> names(trace));

        OtlpReceiver.Received request = only(trace, "POST /script/{script}");
        assertEquals(answered.spanId(), request.spanId(), "the response's traceparent names the request's span");
        assertEquals(CALLER_SPAN, request.parentSpanId());
        assertEquals("checkout", request.attribute("mik.script"));
        assertEquals("201", request.attribute("http.response.status_code"));
        OtlpReceiver.Received script = only(trace, "script.run");
        assertEquals(request.spanId(), script.parentSpanId());
        assertEquals("checkout", script.attribute("mik.script"));

        List<OtlpReceiver.Received> calls = named(trace, "host.call");
        assertEquals(CHECKOUT_CALLS, calls.stream().sorted((a, b) -> Long.compare(a.span().getStartTimeUnixNano(),
                b.span().getStartTimeUnixNano())).map(call -> call.attribute("mik.module")).toList());
        for (OtlpReceiver.Received call : calls) {
            assertEquals(script.spanId(), call.parentSpanId(), call.name());
            List<OtlpReceiver.Received> handlers = children(trace, call);
            assertEquals(1, handlers.size(), () -> names(trace));
            OtlpReceiver.Received handler = handlers.get(0);
            assertEquals("handler", handler.name());
            assertEquals(call.attribute("mik.module"), handler.attribute("mik.module"));
            assertEquals(call.attribute("http.response.status_code"), handler.attribute("http.response.status_code"));
            assertEquals(Set.of("handler.compile", "handler.instantiate", "handler.run"),
                    children(trace, handler).stream().map(OtlpReceiver.Received::name).collect(Collectors.toSet()));
        }

        String line = accessLine("request_id=it-checkout-1");
        assertTrue(line.contains("method=POST route=script name=checkout status=201 "), line);
        assertTrue(line.contains(" trace_id=" + CALLER_TRACE), line);
        assertTrue(line.matches(".*duration_ms=\\d+\\.\\d{3} bytes_in=" + ORDER.length() + " bytes_out="
                + reply.body().length() + " .*"), line);
    }

    @Test
    void aRunStartsItsOwnTraceWhoseHandlerStepsHangOffTheRequest() throws Exception {
        HttpResponse<String> reply = send(HttpRequest.newBuilder(server.base().resolve("run/hello"))
                .header("X-Request-ID", "it-hello-1").GET());
        assertEquals(200, reply.statusCode(), reply.body());
        TraceContext answered = TraceContext.caller(reply.headers().firstValue("traceparent").orElseThrow());
        List<OtlpReceiver.Received> trace = inTrace(receiver.await(spans -> inTrace(spans, answered.traceId())
                .size() >= 5, EXPORT_WAIT), answered.traceId());
        OtlpReceiver.Received request = only(trace, "GET /run/{module}");
        assertEquals(answered.spanId(), request.spanId());
        assertEquals("", request.parentSpanId(), "a request without a traceparent starts a trace");
        assertEquals("hello", request.attribute("mik.module"));
        OtlpReceiver.Received handler = only(trace, "handler");
        assertEquals(request.spanId(), handler.parentSpanId());
        assertEquals(3, children(trace, handler).size(), () -> names(trace));

        String line = accessLine("request_id=it-hello-1");
        assertTrue(line.contains("method=GET route=run name=hello status=200 "), line);
        assertTrue(line.contains(" bytes_in=0 bytes_out=" + reply.body().length() + " "), line);
        assertTrue(line.endsWith(" trace_id=" + answered.traceId()), line);
    }

    /** A body refused unread (413, before JAX-RS) still has its access line, its duration unknown. */
    @Test
    void aRequestRefusedBeforeJaxRsStillHasItsAccessLine() throws Exception {
        HttpResponse<String> reply = send(HttpRequest.newBuilder(server.base().resolve("run/hello"))
                .header("X-Request-ID", "it-too-large-1")
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(REQUEST_MAX_BYTES + 1))));
        assertEquals(413, reply.statusCode(), reply.body());
        String line = accessLine("request_id=it-too-large-1");
        assertTrue(line.contains("method=POST route=run name=hello status=413 duration_ms=- bytes_in="
                + (REQUEST_MAX_BYTES + 1) + " bytes_out=" + reply.body().length() + " "), line);
    }

    /** The warm-up's rehearsals and health probes export nothing: every span received belongs to a test's request. */
    @Test
    void onlyRequestsAreTracedAndTheBundledSdkIsTheOneInUse() throws Exception {
        send(HttpRequest.newBuilder(server.base().resolve("_mik/health/ready")).GET());
        Thread.sleep(2_500); // two batch delays
        List<OtlpReceiver.Received> received = receiver.spans();
        Set<String> requestTraces = received.stream().filter(span -> span.name().matches("[A-Z]+ /(run|script)/.*"))
                .map(OtlpReceiver.Received::traceId).collect(Collectors.toSet());
        assertTrue(received.stream().allMatch(span -> requestTraces.contains(span.traceId())), () -> names(received));
        String started = server.log().lines().filter(line -> line.contains("Exporting traces over OTLP/HTTP"))
                .findFirst().orElseThrow();
        assertTrue(started.contains("(OpenTelemetry SDK 1.68.0 from ") && started.contains(
                "WEB-INF/lib/opentelemetry-sdk-trace-1.68.0.jar, API from ") && started.contains(
                "WEB-INF/lib/opentelemetry-api-1.68.0.jar"), "the WAR's own SDK and API: " + started);
        assertTrue(server.log().lines().noneMatch(line -> line.contains("route=_mik") || line.contains("health/ready")
                && line.contains("request_id=")), "no access line for /_mik");
    }

    private static String accessLine(String marker) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() - deadline < 0) {
            var found = server.log().lines().filter(line -> line.contains(marker)).findFirst();
            if (found.isPresent()) {
                return found.get().strip();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no access line with " + marker + " in " + server.logFile());
    }

    private static List<OtlpReceiver.Received> inTrace(List<OtlpReceiver.Received> spans, String traceId) {
        return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
    }

    private static List<OtlpReceiver.Received> named(List<OtlpReceiver.Received> spans, String name) {
        return spans.stream().filter(span -> span.name().equals(name)).toList();
    }

    private static OtlpReceiver.Received only(List<OtlpReceiver.Received> spans, String name) {
        List<OtlpReceiver.Received> found = named(spans, name);
        assertEquals(1, found.size(), () -> name + " in " + names(spans));
        return found.get(0);
    }

    private static List<OtlpReceiver.Received> children(List<OtlpReceiver.Received> spans,
                                                        OtlpReceiver.Received parent) {
        return spans.stream().filter(span -> span.parentSpanId().equals(parent.spanId())).toList();
    }

    private static String names(List<OtlpReceiver.Received> spans) {
        return spans.stream().map(span -> span.name() + "(" + span.spanId() + "<-" + span.parentSpanId() + ")")
                .collect(Collectors.joining(", "));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> reply = CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertNotNull(reply);
        return reply;
    }
}

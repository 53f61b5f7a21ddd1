package dev.mik.observability;

import dev.mik.testing.OtlpReceiver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SDK-backed spans against a real OTLP/HTTP receiver: ids, parents, attributes, and a collector that stalls. */
class OtelSpansTest {

    private static final String CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aRequestContinuesItsCallersTraceAndEverySpanIsParentedByTheOneItRanIn() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            OtelSpans spans = OtelSpans.start(TraceSettings.of(receiver.endpoint(), "mik-test", 64));
            TraceContext request;
            TraceContext script;
            TraceContext call;
            try {
                Span server = spans.request("POST /script/{script}", CALLER).attribute("mik.script", "checkout");
                request = server.context();
                try (Span scriptRun = spans.child("script.run", request)) {
                    script = scriptRun.context();
                    try (Span hostCall = spans.child("host.call", script).attribute("mik.module", "auth")) {
                        call = hostCall.context();
                        try (Span handler = spans.childOf("handler", call.traceparent())) {
                            spans.nested("handler.compile").close();
                            spans.nested("handler.instantiate").close();
                            spans.nested("handler.run").close();
                            handler.status(200);
                        }
                    }
                }
                server.status(201).close();
            } finally {
                spans.shutdown();
            }
            Map<String, OtlpReceiver.Received> byName = receiver.await(received -> received.size() >= 7,
                    Duration.ofSeconds(10)).stream().collect(Collectors.toMap(OtlpReceiver.Received::name,
                    Function.identity()));
            assertEquals(7, byName.size(), byName::toString);
            assertTrue(byName.values().stream().allMatch(span -> span.traceId().equals(request.traceId())
                    && "mik-test".equals(span.serviceName())), byName::toString);
            assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", request.traceId());
            OtlpReceiver.Received server = byName.get("POST /script/{script}");
            assertEquals("00f067aa0ba902b7", server.parentSpanId(), "the caller's span is the request's parent");
            assertEquals(request.spanId(), server.spanId());
            assertEquals("201", server.attribute("http.response.status_code"));
            assertEquals("checkout", server.attribute("mik.script"));
            assertEquals(request.spanId(), byName.get("script.run").parentSpanId());
            assertEquals(script.spanId(), byName.get("host.call").parentSpanId());
            assertEquals(call.spanId(), byName.get("host.call").spanId());
            assertEquals("auth", byName.get("host.call").attribute("mik.module"));
            String handler = byName.get("handler").spanId();
            assertEquals(call.spanId(), byName.get("handler").parentSpanId());
            for (String step : List.of("handler.compile", "handler.instantiate", "handler.run")) {
                assertEquals(handler, byName.get(step).parentSpanId(), step);
            }
            assertEquals(List.of("application/x-protobuf"), receiver.contentTypes().stream().distinct().toList());
        }
    }

    @Test
    void withoutAValidCallerARequestStartsItsOwnTraceAsARoot() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            OtelSpans spans = OtelSpans.start(TraceSettings.of(receiver.endpoint(), "mik-test", 64));
            TraceContext started;
            try {
                Span server = spans.request("GET /run/{module}", "00-not-a-trace");
                started = server.context();
                server.close();
            } finally {
                spans.shutdown();
            }
            List<OtlpReceiver.Received> received = receiver.await(list -> !list.isEmpty(), Duration.ofSeconds(10));
            assertEquals(1, received.size());
            assertEquals(started.traceId(), received.get(0).traceId());
            assertEquals("", received.get(0).parentSpanId());
            // sampled (bit 0); the SDK may also set W3C level 2's random-trace-id bit
            assertEquals(1, Integer.parseInt(started.flags(), 16) & 1, started.flags());
        }
    }

    /** A caller that does not record its trace is followed: same ids downstream, nothing exported. */
    @Test
    void aCallerThatDoesNotSampleGetsConsistentIdsAndNoExport() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            OtelSpans spans = OtelSpans.start(TraceSettings.of(receiver.endpoint(), "mik-test", 64));
            try {
                Span server = spans.request("GET /run/{module}",
                        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
                assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", server.context().traceId());
                assertEquals("00", server.context().flags());
                try (Span child = spans.child("host.call", server.context())) {
                    assertEquals(server.context().traceId(), child.context().traceId());
                    assertNotEquals(server.context().spanId(), child.context().spanId());
                }
                server.close();
                spans.nested("handler.run").close(); // no current span: nothing
            } finally {
                spans.shutdown();
            }
            Thread.sleep(300);
            assertEquals(List.of(), receiver.spans());
        }
    }

    /**
     * Undeploy stops what the exporter started: its batch thread and its sending threads end with shutdown. (On Java
     * 17 the HTTP client's selector thread ends once the client is collected, hence the GC; Java 21+ closes it.)
     */
    @Test
    void shutdownLeavesNoExporterThreadRunning() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            exportOneSpanAndShutDown(receiver);
            long deadline = System.nanoTime() + 10_000_000_000L;
            List<String> started = startedSince(before);
            while (!started.isEmpty() && System.nanoTime() - deadline < 0) {
                System.gc();
                Thread.sleep(100);
                started = startedSince(before);
            }
            assertEquals(List.of(), started);
        }
    }

    /** As an undeploy leaves it: shut down, and nothing refers to it any more. */
    private static void exportOneSpanAndShutDown(OtlpReceiver receiver) throws InterruptedException {
        OtelSpans spans = OtelSpans.start(TraceSettings.of(receiver.endpoint(), "mik-test", 64));
        spans.request("GET /run/{module}", null).close();
        receiver.await(list -> !list.isEmpty(), Duration.ofSeconds(10));
        spans.shutdown();
    }

    private static List<String> startedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> !before.contains(thread))
                .filter(Thread::isAlive).map(Thread::getName).filter(name -> !name.startsWith("HTTP-Dispatcher"))
                .toList();
    }

    /**
     * Export happens off the request's thread: with a collector that never answers and a queue of 16, ending 20,000
     * spans takes well under a second here (the queue drops the rest) instead of waiting on the network.
     */
    @Test
    void aStalledCollectorNeverSlowsTheThreadThatEndsSpans() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            receiver.stall();
            OtelSpans spans = OtelSpans.start(TraceSettings.of(receiver.endpoint(), "mik-test", 16));
            long started = System.nanoTime();
            for (int i = 0; i < 20_000; i++) {
                spans.request("GET /run/{module}", null).status(200).close();
            }
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(elapsedMs < 5_000, "ending 20,000 spans took " + elapsedMs + " ms");
            receiver.close(); // lets the stalled export finish so shutdown does not wait its timeout out
            spans.shutdown();
        }
    }
}

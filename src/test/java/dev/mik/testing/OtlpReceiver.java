package dev.mik.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP trace receiver on loopback: decodes every protobuf {@code ExportTraceServiceRequest} posted to
 * {@code /v1/traces} and keeps its spans, each with its resource's {@code service.name}.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** A received span and the {@code service.name} of the resource it came with. */
    public record Received(Span span, String serviceName) {

        public String traceId() {
            return hex(span.getTraceId().toByteArray());
        }

        public String spanId() {
            return hex(span.getSpanId().toByteArray());
        }

        /** Empty for a root span. */
        public String parentSpanId() {
            return hex(span.getParentSpanId().toByteArray());
        }

        public String name() {
            return span.getName();
        }

        /** An attribute's value as text (strings as they are, integers in decimal), null when absent. */
        public String attribute(String key) {
            for (KeyValue pair : span.getAttributesList()) {
                if (pair.getKey().equals(key)) {
                    var value = pair.getValue();
                    return value.hasIntValue() ? Long.toString(value.getIntValue()) : value.getStringValue();
                }
            }
            return null;
        }

        private static String hex(byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
    }

    private final HttpServer server;
    private final List<Received> spans = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch stall = new CountDownLatch(0);

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    public static OtlpReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        OtlpReceiver receiver = new OtlpReceiver(server);
        server.createContext("/v1/traces", receiver::receive);
        server.start();
        return receiver;
    }

    /** The collector's base URL, as {@code mik.otel.endpoint} takes it. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Makes every export wait unanswered until {@link #close}: a collector that stopped responding. */
    public void stall() {
        stall = new CountDownLatch(1);
    }

    public List<Received> spans() {
        return List.copyOf(spans);
    }

    public List<String> contentTypes() {
        return List.copyOf(contentTypes);
    }

    /** Waits until the spans received satisfy {@code done}, for at most {@code timeout}; answers them either way. */
    public List<Received> await(Predicate<List<Received>> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(spans()) && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
        }
        return spans();
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            stall.await();
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body.readAllBytes());
            for (ResourceSpans resource : request.getResourceSpansList()) {
                String service = resource.getResource().getAttributesList().stream()
                        .filter(pair -> pair.getKey().equals("service.name"))
                        .map(pair -> pair.getValue().getStringValue()).findFirst().orElse(null);
                for (ScopeSpans scope : resource.getScopeSpansList()) {
                    scope.getSpansList().forEach(span -> spans.add(new Received(span, service)));
                }
            }
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stall.countDown();
        server.stop(0);
    }
}

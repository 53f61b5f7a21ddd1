package dev.mik.observability;

import dev.mik.testing.MikDeployment;
import dev.mik.testing.OtlpReceiver;
import dev.mik.testing.ServerTest;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The WAR's own OpenTelemetry SDK exports on whichever server the suite runs (Payara Micro by default, WildFly with
 * {@code -Pwildfly}): a {@code /run} request's trace reaches an OTLP/HTTP receiver this test runs, with the caller's
 * trace id and the handler's steps under the request's span. {@link TraceExportIT} covers the whole checkout.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BundledTracingIT extends ServerTest {

    private static final String CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String CALLER_SPAN = "b7ad6b7169203331";

    /** Started with the deployment, which must name its address. */
    private static OtlpReceiver receiver;

    @Deployment(testable = false)
    static WebArchive deployment() {
        try {
            receiver = OtlpReceiver.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return MikDeployment.named("bundled-tracing-it").handler("hello")
                .config("mik.otel.endpoint", receiver.endpoint())
                .config("mik.otel.service-name", "mik-bundled-it")
                .war();
    }

    @AfterAll
    static void stopReceiver() {
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void aRunIsExportedWithItsCallersTraceAndItsHandlerSteps() throws Exception {
        var reply = http.get("run/hello", "traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01");
        assertEquals(200, reply.status(), reply::toString);
        TraceContext answered = TraceContext.caller(reply.response().headers().firstValue("traceparent").orElseThrow());
        assertEquals(CALLER_TRACE, answered.traceId());
        List<OtlpReceiver.Received> trace = receiver.await(spans -> inTrace(spans).size() >= 5,
                Duration.ofSeconds(30)).stream().filter(span -> span.traceId().equals(CALLER_TRACE)).toList();
        assertEquals(Set.of("GET /run/{module}", "handler", "handler.compile", "handler.instantiate", "handler.run"),
                trace.stream().map(OtlpReceiver.Received::name).collect(Collectors.toSet()), trace::toString);
        OtlpReceiver.Received request = trace.stream().filter(span -> span.name().startsWith("GET")).findFirst()
                .orElseThrow();
        assertEquals(answered.spanId(), request.spanId());
        assertEquals(CALLER_SPAN, request.parentSpanId());
        assertEquals("mik-bundled-it", request.serviceName());
        OtlpReceiver.Received handler = trace.stream().filter(span -> span.name().equals("handler")).findFirst()
                .orElseThrow();
        assertEquals(request.spanId(), handler.parentSpanId());
        assertEquals(3, trace.stream().filter(span -> span.parentSpanId().equals(handler.spanId())).count());
    }

    private static List<OtlpReceiver.Received> inTrace(List<OtlpReceiver.Received> spans) {
        return spans.stream().filter(span -> span.traceId().equals(CALLER_TRACE)).toList();
    }
}

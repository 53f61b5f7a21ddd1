package dev.mik.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Spans recorded with the OpenTelemetry SDK bundled in the WAR and exported over OTLP/HTTP in batches, from the
 * batch processor's own thread: a request only queues its ended spans, and a full queue drops spans, never waits.
 * The only class that names the SDK, so nothing loads it while tracing is off. Nothing here is registered globally:
 * a server's own OpenTelemetry (Payara's MP Telemetry) and this one never meet.
 */
final class OtelSpans implements Spans {

    /** How long the exporter waits for the collector per batch; a slow collector delays only the exporting thread. */
    static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(10);
    /** How long ended spans wait for more to fill a batch. */
    static final Duration BATCH_DELAY = Duration.ofSeconds(1);
    /** Spans sent in one export request at most. */
    static final int BATCH_MAX = 512;
    /** A module or script name from a hostile script's {@code host.call} is cut to this length in a span. */
    static final int ATTRIBUTE_MAX_CHARS = 256;
    /** How long an undeploy waits for the last spans to be sent. */
    static final long SHUTDOWN_WAIT_SECONDS = 5;

    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private OtelSpans(SdkTracerProvider provider) {
        this.provider = provider;
        this.tracer = provider.get("dev.mik");
    }

    static OtelSpans start(TraceSettings settings) {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(settings.tracesUrl().toString())
                .setTimeout(EXPORT_TIMEOUT)
                .setComponentLoader(new OwnPlugins(OtelSpans.class.getClassLoader()))
                .build();
        BatchSpanProcessor batches = BatchSpanProcessor.builder(exporter)
                .setMaxQueueSize(settings.queueSize())
                .setMaxExportBatchSize(Math.min(BATCH_MAX, settings.queueSize()))
                .setScheduleDelay(BATCH_DELAY)
                .build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(
                        Attributes.of(SERVICE_NAME, settings.serviceName()))))
                // a caller that chose not to record its trace is followed; mik's own new traces are all recorded
                .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
                .setSpanLimits(SpanLimits.builder().setMaxAttributeValueLength(ATTRIBUTE_MAX_CHARS).build())
                .addSpanProcessor(batches)
                .build();
        return new OtelSpans(provider);
    }

    /** The SDK's version, as the deployment log names it: proof of which copy the server loaded. */
    static String sdkVersion() {
        String version = SdkTracerProvider.class.getPackage().getImplementationVersion();
        return version == null ? "(unknown version)" : version;
    }

    /**
     * Where the SDK's and the API's classes came from: the WAR's own jars, not a copy the server ships (Payara's MP
     * Telemetry has API 1.29, WildFly's module 1.48).
     */
    static String sources() {
        return location(SdkTracerProvider.class) + ", API from " + location(io.opentelemetry.api.trace.Span.class);
    }

    private static String location(Class<?> type) {
        var source = type.getProtectionDomain().getCodeSource();
        return source == null ? "(unknown)" : String.valueOf(source.getLocation());
    }

    /** Sends what is queued and stops the exporting thread. */
    void shutdown() {
        provider.shutdown().join(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public Span request(String name, String incomingTraceparent) {
        TraceContext caller = TraceContext.caller(incomingTraceparent);
        SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(SpanKind.SERVER);
        if (caller == null) {
            builder.setNoParent();
        } else {
            SpanContext remote = SpanContext.createFromRemoteParent(caller.traceId(), caller.spanId(),
                    TraceFlags.fromHex(caller.flags(), 0), TraceState.getDefault());
            builder.setParent(Context.root().with(io.opentelemetry.api.trace.Span.wrap(remote)));
        }
        return new Recorded(builder.startSpan(), null);
    }

    @Override
    public Span child(String name, TraceContext parent) {
        SpanContext parentContext = SpanContext.create(parent.traceId(), parent.spanId(),
                TraceFlags.fromHex(parent.flags(), 0), TraceState.getDefault());
        io.opentelemetry.api.trace.Span span = tracer.spanBuilder(name)
                .setParent(Context.root().with(io.opentelemetry.api.trace.Span.wrap(parentContext)))
                .startSpan();
        return new Recorded(span, span.makeCurrent());
    }

    @Override
    public Span childOf(String name, String traceparent) {
        TraceContext parent = TraceContext.caller(traceparent);
        return parent == null ? NoSpans.INSTANCE.nested(name) : child(name, parent);
    }

    @Override
    public Span nested(String name) {
        if (!io.opentelemetry.api.trace.Span.current().getSpanContext().isValid()) {
            return NoSpans.INSTANCE.nested(name);
        }
        io.opentelemetry.api.trace.Span span = tracer.spanBuilder(name).startSpan();
        return new Recorded(span, span.makeCurrent());
    }

    /** An SDK span, and the scope that made it current (null for a request's span, which is never current). */
    private static final class Recorded implements Span {

        private final io.opentelemetry.api.trace.Span span;
        private final Scope scope;
        private final TraceContext context;

        Recorded(io.opentelemetry.api.trace.Span span, Scope scope) {
            this.span = span;
            this.scope = scope;
            SpanContext ids = span.getSpanContext();
            this.context = new TraceContext(ids.getTraceId(), ids.getSpanId(), ids.getTraceFlags().asHex());
        }

        @Override
        public TraceContext context() {
            return context;
        }

        @Override
        public Span attribute(String key, String value) {
            span.setAttribute(key, value);
            return this;
        }

        @Override
        public Span attribute(String key, long value) {
            span.setAttribute(key, value);
            return this;
        }

        @Override
        public Span status(int httpStatus) {
            span.setAttribute(HTTP_STATUS, (long) httpStatus);
            if (httpStatus >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
            return this;
        }

        @Override
        public void close() {
            if (scope != null) {
                scope.close();
            }
            span.end();
        }
    }
}

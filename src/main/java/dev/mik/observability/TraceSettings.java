package dev.mik.observability;

import java.net.URI;

/**
 * How traces are exported, from {@code mik.otel.*}.
 *
 * @param tracesUrl where OTLP/HTTP export requests are posted
 * @param queueSize ended spans held for export at most
 */
record TraceSettings(URI tracesUrl, String serviceName, int queueSize) {

    /** The OTLP/HTTP path for traces, added to an endpoint given without a path (as OpenTelemetry's own SDKs do). */
    static final String TRACES_PATH = "/v1/traces";

    /** {@code endpoint} is a collector's base URL ({@code http://host:4318}) or a full traces URL (any path). */
    static TraceSettings of(URI endpoint, String serviceName, int queueSize) {
        String path = endpoint.getRawPath();
        URI traces = path == null || path.isEmpty() || path.equals("/")
                ? URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority() + TRACES_PATH)
                : endpoint;
        return new TraceSettings(traces, serviceName, queueSize);
    }
}

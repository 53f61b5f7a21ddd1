package dev.mik.observability;

/**
 * One timed piece of a request's work, as a trace shows it. Closing it ends it; without an exporter
 * ({@code mik.otel.endpoint} unset) it records nothing and costs one small object.
 */
public interface Span extends AutoCloseable {

    /** This span's position: the {@code traceparent} a call made inside it carries. */
    TraceContext context();

    Span attribute(String key, String value);

    Span attribute(String key, long value);

    /** The HTTP status the work ended with; 500 and above mark the span as failed. */
    Span status(int httpStatus);

    @Override
    void close();
}

package dev.mik.observability;

/** Where spans come from: {@link Tracing#spans()} answers the deployment's current source. */
public interface Spans {

    /**
     * The span of one HTTP request mik serves: it continues the caller's {@code traceparent} when that is valid
     * (same trace, the caller's span its parent), else it starts a trace. It is not made current on the thread: the
     * request's identity holds it until the response is written.
     */
    Span request(String name, String incomingTraceparent);

    /** A child of {@code parent}, current on this thread until it is closed (on this thread). */
    Span child(String name, TraceContext parent);

    /**
     * A child of the span a {@code traceparent} names (a handler run's parent: the request's or its {@code host.call}'s
     * span), current on this thread until closed; records nothing when nothing is recorded or the header is invalid.
     */
    Span childOf(String name, String traceparent);

    /** A child of this thread's current span, current until closed; records nothing when there is none. */
    Span nested(String name);
}

package dev.mik.observability;

/**
 * A {@code /run} or {@code /script} request in flight, from its first filter to its response: what its access-log
 * line and its span need at the end. It ends once, with the first {@link #finish}.
 */
final class Exchange {

    private final String method;
    private final RequestRoute route;
    private final long bytesIn;
    private final long startedNs = System.nanoTime();
    private final Span span;
    private int status;
    private boolean finished;

    Exchange(String method, RequestRoute route, long bytesIn, Span span) {
        this.method = method;
        this.route = route;
        this.bytesIn = bytesIn;
        this.span = span;
    }

    Span span() {
        return span;
    }

    boolean finished() {
        return finished;
    }

    /** The response's status, known before its body is written. */
    void respond(int httpStatus) {
        status = httpStatus;
    }

    /** Logs the request's line and ends its span; later calls do nothing. */
    void finish(long bytesOut, String requestId) {
        if (finished) {
            return;
        }
        finished = true;
        long durationNs = System.nanoTime() - startedNs;
        span.status(status).close();
        AccessLog.log(new AccessEntry(method, route.kind(), route.name(), status, durationNs, bytesIn, bytesOut,
                requestId, span.context().traceId()));
    }
}

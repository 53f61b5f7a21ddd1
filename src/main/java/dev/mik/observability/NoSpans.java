package dev.mik.observability;

/** Spans when no exporter is configured: the ids W3C propagation needs, nothing recorded, no SDK loaded. */
final class NoSpans implements Spans {

    static final NoSpans INSTANCE = new NoSpans();

    /** A span that only carries its position. */
    private record Position(TraceContext context) implements Span {

        @Override
        public Span attribute(String key, String value) {
            return this;
        }

        @Override
        public Span attribute(String key, long value) {
            return this;
        }

        @Override
        public Span status(int httpStatus) {
            return this;
        }

        @Override
        public void close() {
            // nothing was started
        }
    }

    /** What {@link #nested} and {@link #childOf} answer: no position is asked of them when nothing is recorded. */
    private static final Span NOTHING = new Position(null);

    private NoSpans() {
    }

    @Override
    public Span request(String name, String incomingTraceparent) {
        return new Position(TraceContext.continueOrStart(incomingTraceparent));
    }

    @Override
    public Span child(String name, TraceContext parent) {
        return new Position(parent.child());
    }

    @Override
    public Span childOf(String name, String traceparent) {
        return NOTHING;
    }

    @Override
    public Span nested(String name) {
        return NOTHING;
    }
}

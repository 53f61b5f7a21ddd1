package dev.mik.observability;

/**
 * The deployment's source of spans, for code that no CDI bean makes (the handler pool's runs, the script bridge): the
 * exporter's while {@link TraceExport} runs one, else {@link NoSpans}. Static, so it is one per deployment (its class
 * loader), and read with one volatile load on the request path.
 */
public final class Tracing {

    private static volatile Spans current = NoSpans.INSTANCE;

    private Tracing() {
    }

    public static Spans spans() {
        return current;
    }

    static void use(Spans spans) {
        current = spans;
    }

    static void stop() {
        current = NoSpans.INSTANCE;
    }
}

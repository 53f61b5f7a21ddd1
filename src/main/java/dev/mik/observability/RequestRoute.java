package dev.mik.observability;

/**
 * Which of mik's routes a request path takes, for its access-log line and span: {@code run} or {@code script}, and
 * the module or script it names as written (still percent-encoded). Other paths ({@code /_mik/…}) have none.
 *
 * @param kind {@code run} or {@code script}
 */
public record RequestRoute(String kind, String name) {

    /** The route of {@code path} relative to the application ({@code run/hello/x}), or null for any other path. */
    public static RequestRoute of(String path) {
        String rest = path.startsWith("/") ? path.substring(1) : path;
        String kind;
        if (rest.startsWith("run/")) {
            kind = "run";
        } else if (rest.startsWith("script/")) {
            kind = "script";
        } else {
            return null;
        }
        String named = rest.substring(kind.length() + 1);
        int end = named.indexOf('/');
        return new RequestRoute(kind, end < 0 ? named : named.substring(0, end));
    }

    /** The span's name: low in cardinality, the module or script goes in an attribute. */
    String spanName(String method) {
        return method + " /" + kind + "/{" + ("run".equals(kind) ? "module" : "script") + "}";
    }

    /** The span attribute naming the module or script. */
    String attribute() {
        return "run".equals(kind) ? "mik.module" : "mik.script";
    }
}

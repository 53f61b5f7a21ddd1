package dev.mik.http;

import jakarta.ws.rs.core.Response;

import java.util.Map;

/**
 * Starts a response with any status a handler or script chooses and a proper reason phrase. JAX-RS knows only some
 * codes by name; for the rest the runtime would send a placeholder such as {@code 422 CUSTOM}.
 */
public final class StatusLine {

    private static final Map<Integer, String> MISSING_FROM_JAX_RS = Map.ofEntries(
            Map.entry(102, "Processing"), Map.entry(103, "Early Hints"),
            Map.entry(207, "Multi-Status"), Map.entry(208, "Already Reported"), Map.entry(226, "IM Used"),
            Map.entry(308, "Permanent Redirect"), Map.entry(418, "I'm a teapot"),
            Map.entry(421, "Misdirected Request"), Map.entry(422, "Unprocessable Content"),
            Map.entry(423, "Locked"), Map.entry(424, "Failed Dependency"), Map.entry(425, "Too Early"),
            Map.entry(426, "Upgrade Required"), Map.entry(451, "Unavailable For Legal Reasons"),
            Map.entry(506, "Variant Also Negotiates"), Map.entry(507, "Insufficient Storage"),
            Map.entry(508, "Loop Detected"), Map.entry(510, "Not Extended"));

    private StatusLine() {
    }

    public static Response.ResponseBuilder of(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        if (known != null) {
            return Response.status(known);
        }
        return Response.status(status, MISSING_FROM_JAX_RS.getOrDefault(status, "Status " + status));
    }
}

package dev.mik.http;

import jakarta.servlet.http.HttpServletRequest;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small readings of an incoming JAX-RS request shared by the run and script boundaries, and the one home of
 * percent-encoding both ways: what a {@code host.call} encodes, a handler's request decodes the same way.
 */
public final class HttpRequests {

    private HttpRequests() {
    }

    /**
     * Header name → its values joined with {@code ", "}, in arrival order: what JAX-RS's request headers hold, as the
     * runtimes copy them from the servlet request (each name the container lists, its non-null values, no name
     * without one).
     */
    public static Map<String, String> headers(HttpServletRequest servlet) {
        Map<String, String> joined = new LinkedHashMap<>();
        for (Enumeration<String> names = servlet.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            String values = joined(servlet.getHeaders(name), ", ");
            if (values != null) {
                joined.put(name, values);
            }
        }
        return joined;
    }

    /** A header's values joined with {@code ","} as JAX-RS's {@code getHeaderString} joins them; null when absent. */
    public static String headerString(HttpServletRequest servlet, String name) {
        return joined(servlet.getHeaders(name), ",");
    }

    private static String joined(Enumeration<String> values, String separator) {
        String first = null;
        StringBuilder more = null;
        while (values.hasMoreElements()) {
            String value = values.nextElement();
            if (value == null) {
                continue;
            }
            if (first == null) {
                first = value;
            } else {
                if (more == null) {
                    more = new StringBuilder(first);
                }
                more.append(separator).append(value);
            }
        }
        return more == null ? first : more.toString();
    }

    /** Percent-decodes a query parameter ({@code +} is a space); malformed escapes are kept as they are. */
    public static String decodeQuery(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }

    /** Percent-decodes a path; unlike in a query, {@code +} stays {@code +}. */
    public static String decodePath(String raw) {
        return decodeQuery(raw.replace("+", "%2B"));
    }

    /** Percent-encodes a query name or value (a space as {@code +}); {@link #decodeQuery} reverses it. */
    public static String encodeQuery(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /**
     * Percent-encodes each segment of a decoded path and keeps its {@code /}s (a space as {@code %20}, since a path
     * keeps {@code +} as it is); {@link #decodePath} reverses it.
     */
    public static String encodePath(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            segments.add(encodeQuery(segment).replace("+", "%20"));
        }
        return String.join("/", segments);
    }
}

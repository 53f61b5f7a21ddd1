package dev.mik.http;

import jakarta.ws.rs.core.HttpHeaders;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

    /** Header name → its values joined with {@code ", "}, in arrival order. */
    public static Map<String, String> headers(HttpHeaders headers) {
        Map<String, String> joined = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> header : headers.getRequestHeaders().entrySet()) {
            joined.put(header.getKey(), String.join(", ", header.getValue()));
        }
        return joined;
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

package dev.mik.http;

import jakarta.ws.rs.core.HttpHeaders;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small readings of an incoming JAX-RS request shared by the run and script boundaries. */
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
}

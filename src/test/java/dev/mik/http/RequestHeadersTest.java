package dev.mik.http;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RequestHeadersTest {

    /**
     * The headers read from the servlet request are what JAX-RS's request headers held: every name the container
     * lists in its order, its values joined with {@code ", "}, null values left out and a name with none left out.
     */
    @Test
    void headersAreTheServletsNamesInOrderWithTheirValuesJoined() {
        Map<String, List<String>> sent = new LinkedHashMap<>();
        sent.put("Host", List.of("example.org"));
        sent.put("Accept", List.of("text/plain", "application/json"));
        sent.put("X-Empty", List.of(""));
        sent.put("X-Nulls", Arrays.asList(null, null));
        sent.put("X-Some-Null", Arrays.asList("a", null, "b"));
        HttpServletRequest servlet = servletWith(sent);

        Map<String, String> headers = HttpRequests.headers(servlet);
        assertEquals(List.of("Host", "Accept", "X-Empty", "X-Some-Null"), List.copyOf(headers.keySet()));
        assertEquals("text/plain, application/json", headers.get("Accept"));
        assertEquals("", headers.get("X-Empty"));
        assertEquals("a, b", headers.get("X-Some-Null"));
    }

    /** A single header's values are joined with {@code ","}, as JAX-RS's {@code getHeaderString} does. */
    @Test
    void aHeaderStringJoinsItsValuesWithACommaAndIsNullWhenAbsent() {
        HttpServletRequest servlet = servletWith(Map.of("Content-Length", List.of("12", "12")));
        assertEquals("12,12", HttpRequests.headerString(servlet, "Content-Length"));
        assertNull(HttpRequests.headerString(servlet, "Transfer-Encoding"));
    }

    private static HttpServletRequest servletWith(Map<String, List<String>> headers) {
        return (HttpServletRequest) Proxy.newProxyInstance(HttpRequestsTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeaderNames" -> Collections.enumeration(headers.keySet());
                    case "getHeaders" -> Collections.enumeration(headers.entrySet().stream()
                            .filter(header -> header.getKey().equalsIgnoreCase((String) args[0]))
                            .flatMap(header -> header.getValue().stream()).toList());
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}

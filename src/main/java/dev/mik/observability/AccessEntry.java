package dev.mik.observability;

/**
 * What the access log says of one request.
 *
 * @param route      {@code run} or {@code script}
 * @param name       the module or script as the path named it (still percent-encoded)
 * @param durationNs from the request's first filter to its response's status and length being known; -1 when not
 *                   known (a request answered before JAX-RS saw it)
 * @param bytesIn    the request body's declared length, -1 when it came without one (chunked)
 * @param bytesOut   the response body's length
 * @param method     the request's method, at most {@value #MAX_TEXT} characters kept
 * @param name       at most {@value #MAX_TEXT} characters kept
 */
public record AccessEntry(String method, String route, String name, int status, long durationNs, long bytesIn,
                          long bytesOut, String requestId, String traceId) {

    /**
     * Characters kept of the method and of the name, the two fields a client writes freely (a request head may be a
     * megabyte): a longer one is cut there and ends with {@code …}, so an entry waiting for the log's writer holds
     * little after its request ended. No valid method or module or script name is that long.
     */
    public static final int MAX_TEXT = 256;

    public AccessEntry {
        method = capped(method);
        name = capped(name);
    }

    private static String capped(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "\u2026";
    }

    /**
     * The {@code bytes_in} of a request: its {@code Content-Length}; a request with neither that nor a
     * {@code Transfer-Encoding} has no body, so 0 (servers differ in what they report then); -1 when it came chunked.
     */
    public static long declaredBodyBytes(long contentLength, String transferEncoding) {
        if (contentLength >= 0) {
            return contentLength;
        }
        return transferEncoding == null ? 0 : -1;
    }
}

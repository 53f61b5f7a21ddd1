package dev.mik.run;

import dev.mik.http.ServerInfo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request for a handler, as it arrived over HTTP or from a script's {@code host.call}.
 *
 * @param pathInfo    the decoded rest of the path after {@code /run/<module>}: {@code ""} when there is none,
 *                    {@code "/"} for a trailing slash
 * @param rawPathInfo the same, still percent-encoded as received; routes match this, and the handler's
 *                    {@code PATH_INFO} is its part below the matched route, decoded
 * @param query       the query string exactly as received, without {@code ?}, {@code ""} when there is none
 * @param headers     request headers, names as received, values joined per name
 * @param scriptName  {@code <context path>/run/<module>}
 */
public record HandlerRequest(ModuleName module, String method, String pathInfo, String rawPathInfo, String query,
                             Map<String, String> headers, byte[] body, String scriptName, String fullUrl,
                             ServerInfo server, String requestId, String traceparent) {

    public HandlerRequest {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers)); // in the order received
    }
}

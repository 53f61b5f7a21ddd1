package dev.mik.script;

import dev.mik.config.MikConfig;
import dev.mik.http.AnyMethodResource;
import dev.mik.http.HttpRequests;
import dev.mik.http.RequestBody;
import dev.mik.observability.RequestCorrelation;
import dev.mik.run.HandlerRequest;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code ANY /script/{name}[/{path…}]}: runs {@code <mik.scripts.dir>/<name>.js} with the request body as input. */
@Path("script/{name}{path: (/.*)?}")
public class ScriptResource extends AnyMethodResource {

    @Inject
    ScriptExecutor executor;

    @Inject
    MikConfig config;

    @Inject
    RequestCorrelation correlation;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    @Context
    HttpServletRequest servlet;

    @Override
    protected Response handle(String method, InputStream body) {
        ScriptName name = new ScriptName(uri.getPathParameters().getFirst("name"));
        byte[] bytes = RequestBody.read(body, headers.getHeaderString(HttpHeaders.CONTENT_LENGTH),
                config.requestMaxBytes());
        String path = uri.getPathParameters().getFirst("path");
        Map<String, String> query = firstValues(uri.getRequestUri().getRawQuery());
        var origin = new HostCallBridge.Origin(servlet.getContextPath(), uri.getBaseUri().toString(),
                new HandlerRequest.ServerInfo(servlet.getServerName(), servlet.getServerPort(), servlet.getProtocol(),
                        servlet.getRemoteAddr()),
                correlation.requestId(), correlation.trace());
        return executor.run(new ScriptRequest(name, method, path == null || path.isEmpty() ? "/" : path, query,
                HttpRequests.headers(headers), bytes, origin));
    }

    /** Query parameters in the order they were sent, percent-decoded; the first value of a repeated name wins. */
    private static Map<String, String> firstValues(String rawQuery) {
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                if (!pair.isEmpty()) {
                    int equals = pair.indexOf('=');
                    String key = decode(equals < 0 ? pair : pair.substring(0, equals));
                    query.putIfAbsent(key, equals < 0 ? "" : decode(pair.substring(equals + 1)));
                }
            }
        }
        return query;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }
}

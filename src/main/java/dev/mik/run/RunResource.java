package dev.mik.run;

import dev.mik.config.MikConfig;
import dev.mik.http.AnyMethodResource;
import dev.mik.http.HttpRequests;
import dev.mik.http.RequestBody;
import dev.mik.observability.RequestCorrelation;
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
import java.util.Map;

/** {@code ANY /run/{module}[/{path…}]}: runs {@code <mik.handlers.dir>/<module>.wasm} under the WAGI contract. */
@Path("run/{module}{path: (/.*)?}")
public class RunResource extends AnyMethodResource {

    @Inject
    HandlerPool pool;

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
        ModuleName name = new ModuleName(uri.getPathParameters().getFirst("module"));
        byte[] bytes = RequestBody.read(body, headers.getHeaderString(HttpHeaders.CONTENT_LENGTH),
                config.requestMaxBytes());
        HandlerResponse response = pool.execute(request(method, name, bytes));
        return toHttp(response);
    }

    private HandlerRequest request(String method, ModuleName name, byte[] body) {
        String rawPath = uri.getPathParameters(false).getFirst("path");
        String rawPathInfo = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        String query = uri.getRequestUri().getRawQuery();
        String scriptName = servlet.getContextPath() + "/run/" + name.value();
        return new HandlerRequest(name, method, decodePath(rawPathInfo), rawPathInfo, query == null ? "" : query,
                HttpRequests.headers(headers), body, scriptName, uri.getRequestUri().toString(),
                new HandlerRequest.ServerInfo(servlet.getServerName(), servlet.getServerPort(),
                        servlet.getProtocol(), servlet.getRemoteAddr()),
                correlation.requestId(), correlation.trace().traceparent());
    }

    /** Percent-decoding of a path: unlike a query, '+' stays '+'. */
    private static String decodePath(String raw) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return raw;
        }
    }

    /** A handler's response as the HTTP response: its status, its headers in order, its body. */
    public static Response toHttp(HandlerResponse response) {
        Response.ResponseBuilder http = Response.status(response.status());
        for (Map.Entry<String, String> header : response.headers()) {
            http.header(header.getKey(), header.getValue());
        }
        return http.entity(response.body()).build();
    }
}

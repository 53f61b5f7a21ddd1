package dev.mik.run;

import dev.mik.http.AnyMethodResource;
import dev.mik.http.HttpRequests;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.Map;

/** {@code ANY /run/{module}[/{path…}]}: runs {@code <mik.handlers.dir>/<module>.wasm} under the WAGI contract. */
@Path("run/{module}{path: (/.*)?}")
@ApplicationScoped
public class RunResource extends AnyMethodResource {

    @Inject
    HandlerPool pool;

    @Override
    protected Response handle(String method, InputStream body) {
        ModuleName name = new ModuleName(pathParameter("module"));
        return toHttp(pool.execute(request(method, name, readBody(body))));
    }

    private HandlerRequest request(String method, ModuleName name, byte[] body) {
        String rawPath = uri.getPathParameters(false).getFirst("path");
        String rawPathInfo = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        String query = uri.getRequestUri().getRawQuery();
        String scriptName = servlet.getContextPath() + "/run/" + name.value();
        return new HandlerRequest(name, method, HttpRequests.decodePath(rawPathInfo), rawPathInfo,
                query == null ? "" : query, HttpRequests.headers(headers), body, scriptName,
                uri.getRequestUri().toString(), serverInfo(), correlation.requestId(),
                correlation.trace().traceparent());
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

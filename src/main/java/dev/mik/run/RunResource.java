package dev.mik.run;

import dev.mik.http.AnyMethodResource;
import dev.mik.http.HttpRequests;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.net.URI;
import java.util.Map;

/** {@code ANY /run/{module}[/{path…}]}: runs {@code <mik.handlers.dir>/<module>.wasm} under the WAGI contract. */
@Path("run/{module}{path: (/.*)?}")
@ApplicationScoped
public class RunResource extends AnyMethodResource {

    @Inject
    HandlerPool pool;

    /** Asked of the pool once: runs are direct calls, not EJB calls ({@link HandlerPool#runs()}). */
    private HandlerRuns runs;

    @PostConstruct
    void start() {
        runs = pool.runs();
    }

    @Override
    protected Response handle(Call call, InputStream body) {
        ModuleName name = new ModuleName(call.pathParameter("module"));
        HandlerRequest request = request(call, name, readBody(call, body));
        return toHttp(correlation.rehearsal() ? runs.rehearse(request, HandlerPool.REHEARSAL_TIMEOUT_MS)
                : runs.execute(request));
    }

    private HandlerRequest request(Call call, ModuleName name, byte[] body) {
        String rawPath = call.uri().getPathParameters(false).getFirst("path");
        String rawPathInfo = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        URI requestUri = call.uri().getRequestUri();
        String query = requestUri.getRawQuery();
        String scriptName = call.servlet().getContextPath() + "/run/" + name.value();
        return new HandlerRequest(name, call.method(), HttpRequests.decodePath(rawPathInfo), rawPathInfo,
                query == null ? "" : query, HttpRequests.headers(call.headers()), body, scriptName,
                requestUri.toString(), call.serverInfo(), correlation.requestId(),
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

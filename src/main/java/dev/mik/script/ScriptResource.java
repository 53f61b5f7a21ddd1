package dev.mik.script;

import dev.mik.http.AnyMethodResource;
import dev.mik.http.HttpRequests;
import dev.mik.observability.Span;
import dev.mik.observability.Tracing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code ANY /script/{name}[/{path…}]}: runs {@code <mik.scripts.dir>/<name>.js} with the request body as input. */
@Path("script/{name}{path: (/.*)?}")
@ApplicationScoped
public class ScriptResource extends AnyMethodResource {

    @Inject
    ScriptExecutor executor;

    @Override
    protected Response handle(Call call, InputStream body) {
        ScriptName name = new ScriptName(call.pathParameter("name"));
        byte[] bytes = readBody(call, body);
        String path = call.pathParameter("path");
        Map<String, String> query = firstValues(call.uri().getRequestUri().getRawQuery());
        // the script's own span, the parent of its host.calls; the request's span also holds reading the body
        try (Span span = Tracing.spans().child("script.run", correlation.trace())
                .attribute("mik.script", name.value())) {
            var origin = new HostCallBridge.Origin(call.servlet().getContextPath(), call.uri().getBaseUri().toString(),
                    call.serverInfo(), correlation.requestId(), span.context());
            ScriptRequest request = new ScriptRequest(name, call.method(), path == null || path.isEmpty() ? "/" : path,
                    query, HttpRequests.headers(call.headers()), bytes, origin);
            Response response = correlation.rehearsal() ? executor.rehearse(request) : executor.run(request);
            span.status(response.getStatus());
            return response;
        }
    }

    /** Query parameters in the order they were sent, percent-decoded; the first value of a repeated name wins. */
    private static Map<String, String> firstValues(String rawQuery) {
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                if (!pair.isEmpty()) {
                    int equals = pair.indexOf('=');
                    String key = HttpRequests.decodeQuery(equals < 0 ? pair : pair.substring(0, equals));
                    query.putIfAbsent(key, equals < 0 ? "" : HttpRequests.decodeQuery(pair.substring(equals + 1)));
                }
            }
        }
        return query;
    }
}

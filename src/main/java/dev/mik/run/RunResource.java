package dev.mik.run;

import dev.mik.http.AnyMethodResource;
import dev.mik.http.HttpRequests;
import dev.mik.lifecycle.Drain;
import dev.mik.lifecycle.RunAdmission;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/** {@code ANY /run/{module}[/{path…}]}: runs {@code <mik.handlers.dir>/<module>.wasm} under the WAGI contract. */
@Path("run/{module}{path: (/.*)?}")
@ApplicationScoped
public class RunResource extends AnyMethodResource {

    @Inject
    HandlerPool pool;

    @Inject
    Drain drain;

    /** Asked of the pool once: runs are direct calls, not EJB calls ({@link HandlerPool#runs()}). */
    private HandlerRuns runs;

    @PostConstruct
    void start() {
        runs = pool.runs();
    }

    @Override
    protected Response handle(Call call) {
        ModuleName name = new ModuleName(call.pathParameter("module"));
        try (RunAdmission.Ticket admitted = drain.admission().admit("Module '" + name.value() + "'")) {
            HandlerRequest request = request(call, name, readBody(call));
            return toHttp(correlation.rehearsal() ? runs.rehearse(request, HandlerPool.REHEARSAL_TIMEOUT_MS)
                    : runs.execute(request));
        }
    }

    private HandlerRequest request(Call call, ModuleName name, byte[] body) {
        HttpServletRequest servlet = call.servlet();
        String scriptName = name.mountedUnder(servlet.getContextPath());
        String rawPathInfo = rawPathInfo(call, scriptName);
        // the servlet's query is the bytes as received; JAX-RS's request URI re-encodes what is not a valid escape
        String query = servlet.getQueryString() == null ? "" : servlet.getQueryString();
        String fullUrl = servlet.getRequestURL() + (query.isEmpty() ? "" : "?" + query);
        return new HandlerRequest(name, call.method(), HttpRequests.decodePath(rawPathInfo), rawPathInfo, query,
                call.headers(), body, scriptName, fullUrl, call.serverInfo(),
                correlation.requestId(), correlation.trace().traceparent());
    }

    /**
     * The path after {@code /run/<module>} as received ({@code ""} when there is none): from the servlet's request
     * URI when it starts with {@code scriptName} as written, else (an encoded module name, a normalised path) from
     * JAX-RS's matching, which re-encodes what is not a valid escape.
     */
    private static String rawPathInfo(Call call, String scriptName) {
        String uri = call.servlet().getRequestURI();
        if (uri.startsWith(scriptName)
                && (uri.length() == scriptName.length() || uri.charAt(scriptName.length()) == '/')) {
            return uri.substring(scriptName.length());
        }
        String matched = call.uri().getPathParameters(false).getFirst("path");
        return matched == null ? "" : matched;
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

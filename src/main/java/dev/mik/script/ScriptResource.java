package dev.mik.script;

import dev.mik.http.AnyMethodResource;
import dev.mik.http.QueryString;
import dev.mik.lifecycle.Drain;
import dev.mik.lifecycle.RunAdmission;
import dev.mik.observability.Span;
import dev.mik.observability.Tracing;
import dev.mik.problem.ProblemResponses;
import dev.mik.run.RunResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/** {@code ANY /script/{name}[/{path…}]}: runs {@code <mik.scripts.dir>/<name>.js} with the request body as input. */
@Path("script/{name}{path: (/.*)?}")
@ApplicationScoped
public class ScriptResource extends AnyMethodResource {

    @Inject
    ScriptExecutor executor;

    @Inject
    Drain drain;

    @Inject
    ProblemResponses problems;

    @Override
    protected Response handle(Call call) {
        ScriptName name = new ScriptName(call.pathParameter("name"));
        try (RunAdmission.Ticket admitted = drain.admission().admit("Script '" + name.value() + "'")) {
            return run(call, name);
        }
    }

    private Response run(Call call, ScriptName name) {
        byte[] bytes = readBody(call);
        String path = call.pathParameter("path");
        Map<String, String> query = QueryString.parse(call.uri().getRequestUri().getRawQuery()).firstValues();
        // the script's own span, the parent of its host.calls; the request's span also holds reading the body
        try (Span span = Tracing.spans().child("script.run", correlation.trace())
                .attribute("mik.script", name.value())) {
            var origin = new HostCallBridge.Origin(call.servlet().getContextPath(), call.uri().getBaseUri().toString(),
                    call.serverInfo(), correlation.requestId(), span.context());
            ScriptRequest request = new ScriptRequest(name, call.method(), path == null || path.isEmpty() ? "/" : path,
                    query, call.headers(), bytes, origin);
            HostCallBridge.Outcome answer = correlation.rehearsal() ? executor.rehearse(request)
                    : executor.run(request);
            span.status(answer.status());
            // a call's problem the script passed through is answered as that call's problem, as /run would
            return answer instanceof HostCallBridge.Failed failed ? problems.render(failed.problem())
                    : RunResource.toHttp(((HostCallBridge.Answered) answer).response());
        }
    }
}

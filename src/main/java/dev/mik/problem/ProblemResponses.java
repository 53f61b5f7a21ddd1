package dev.mik.problem;

import dev.mik.json.Jsonp;
import dev.mik.observability.RequestCorrelation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/** The one place that turns a problem into an {@code application/problem+json} response. */
@ApplicationScoped
public class ProblemResponses {

    public static final String MEDIA_TYPE = "application/problem+json";

    @Inject
    RequestCorrelation correlation;

    public String requestId() {
        return correlation.requestId();
    }

    public Response render(ProblemException problem) {
        Response.ResponseBuilder response = Response.status(problem.type().status())
                .type(MEDIA_TYPE)
                .entity(body(problem).toString());
        if (problem.retryAfterSeconds() != null) {
            response.header(HttpHeaders.RETRY_AFTER, problem.retryAfterSeconds());
        }
        return response.build();
    }

    /** The problem document itself, for the current request. */
    public JsonObject body(ProblemException problem) {
        ProblemType type = problem.type();
        return document(type, problem.detail() == null ? type.title() : problem.detail(), correlation.path(),
                correlation.requestId(), problem.extensions());
    }

    /** A problem document; extension values are numbers, booleans or (anything else) strings. */
    public static JsonObject document(ProblemType type, String detail, String instance, String requestId,
            Map<String, Object> extensions) {
        JsonObjectBuilder body = Jsonp.objectBuilder()
                .add("type", type.uri())
                .add("title", type.title())
                .add("status", type.status())
                .add("detail", detail)
                .add("instance", instance)
                .add("code", type.code())
                .add("requestId", requestId);
        for (Map.Entry<String, Object> extension : extensions.entrySet()) {
            Object value = extension.getValue();
            if (value instanceof Number number) {
                body.add(extension.getKey(), number.longValue());
            } else if (value instanceof Boolean flag) {
                body.add(extension.getKey(), flag);
            } else {
                body.add(extension.getKey(), String.valueOf(value));
            }
        }
        return body.build();
    }
}

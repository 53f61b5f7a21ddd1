package dev.mik.problem;

import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Gives the JAX-RS runtime's own errors (unknown route, wrong method, …) the same problem body as ours. */
@Provider
public class WebApplicationProblemMapper implements ExceptionMapper<WebApplicationException> {

    @Inject
    ProblemResponses responses;

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response original = exception.getResponse();
        ProblemType type = switch (original.getStatus()) {
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 413 -> ProblemType.REQUEST_TOO_LARGE;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            default -> original.getStatus() >= 500 ? ProblemType.INTERNAL : ProblemType.BAD_REQUEST;
        };
        Response rendered = responses.render(new ProblemException(type, exception.getMessage()));
        if (type == ProblemType.METHOD_NOT_ALLOWED && original.getHeaderString("Allow") != null) {
            return Response.fromResponse(rendered).header("Allow", original.getHeaderString("Allow")).build();
        }
        return rendered;
    }
}

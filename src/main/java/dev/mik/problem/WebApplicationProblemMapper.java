package dev.mik.problem;

import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.Map;

/** Gives the JAX-RS runtime's own errors (unknown route, wrong method, …) the same problem body as ours. */
@Provider
public class WebApplicationProblemMapper implements ExceptionMapper<WebApplicationException> {

    /** Fixed wording: the JAX-RS runtimes' own messages differ per server and may echo the full request URL. */
    private static final Map<ProblemType, String> DETAILS = Map.of(
            ProblemType.NOT_FOUND, "Nothing is served at this path; mik serves /run/<module> and /script/<name>.",
            ProblemType.METHOD_NOT_ALLOWED, "This path does not accept this method.",
            ProblemType.UNSUPPORTED_MEDIA_TYPE, "This path does not accept this content type.");

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
        Response rendered = responses.render(new ProblemException(type, DETAILS.getOrDefault(type, type.title())));
        if (type == ProblemType.METHOD_NOT_ALLOWED && original.getHeaderString("Allow") != null) {
            return Response.fromResponse(rendered).header("Allow", original.getHeaderString("Allow")).build();
        }
        return rendered;
    }
}

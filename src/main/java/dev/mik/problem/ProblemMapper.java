package dev.mik.problem;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Renders every {@link ProblemException} raised while serving a request. */
@Provider
public class ProblemMapper implements ExceptionMapper<ProblemException> {

    @Inject
    ProblemResponses responses;

    @Override
    public Response toResponse(ProblemException problem) {
        return responses.render(problem);
    }
}

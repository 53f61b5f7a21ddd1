package dev.mik.problem;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.logging.Logger;

/** Renders every {@link ProblemException} raised while serving a request. */
@Provider
public class ProblemMapper implements ExceptionMapper<ProblemException> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());

    @Inject
    ProblemResponses responses;

    @Override
    public Response toResponse(ProblemException problem) {
        if (problem.type() == ProblemType.INTERNAL) {
            LOG.severe(() -> "Request " + responses.requestId() + " failed: " + problem.detail());
        }
        return responses.render(problem);
    }
}

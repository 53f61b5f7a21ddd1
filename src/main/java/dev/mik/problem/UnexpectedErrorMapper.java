package dev.mik.problem;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.logging.Level;
import java.util.logging.Logger;

/** A bug of ours still ends in a problem body (with the request id to find the stack trace in the log). */
@Provider
public class UnexpectedErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(UnexpectedErrorMapper.class.getName());

    @Inject
    ProblemResponses responses;

    @Override
    public Response toResponse(Throwable error) {
        Response response = responses.render(new ProblemException(ProblemType.INTERNAL,
                "An unexpected error occurred; the server log has the details under this request id."));
        LOG.log(Level.SEVERE, "Unexpected error while serving request " + responses.requestId(), error);
        return response;
    }
}

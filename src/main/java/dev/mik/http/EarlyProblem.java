package dev.mik.http;

import dev.mik.observability.AccessLog;
import dev.mik.observability.RequestCorrelation;
import dev.mik.observability.TraceContext;
import dev.mik.problem.ProblemResponses;
import dev.mik.problem.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A problem answered at the servlet layer, before JAX-RS (and its request id filter) has seen the request: the same
 * body and correlation headers as {@link ProblemResponses}, and {@code Connection: close}, since the rest of the body
 * was not read.
 */
final class EarlyProblem {

    private EarlyProblem() {
    }

    /** Writes the problem unless the response is already committed; a client that is gone is not an error. */
    static void send(HttpServletRequest request, HttpServletResponse response, ProblemType type, String detail,
            Map<String, Object> extensions, Integer retryAfterSeconds) {
        if (response.isCommitted()) {
            return;
        }
        String requestId = RequestCorrelation.requestIdFor(request.getHeader(RequestCorrelation.REQUEST_ID_HEADER));
        TraceContext trace = TraceContext.continueOrStart(request.getHeader(RequestCorrelation.TRACEPARENT_HEADER));
        byte[] bytes = ProblemResponses.document(type, detail, request.getRequestURI(), requestId, extensions)
                .toString().getBytes(StandardCharsets.UTF_8);
        try {
            response.reset();
            response.setStatus(type.status());
            response.setContentType(ProblemResponses.MEDIA_TYPE);
            response.setHeader(RequestCorrelation.REQUEST_ID_HEADER, requestId);
            response.setHeader(RequestCorrelation.TRACEPARENT_HEADER, trace.traceparent());
            response.setHeader("Connection", "close");
            if (retryAfterSeconds != null) {
                response.setHeader("Retry-After", retryAfterSeconds.toString());
            }
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
            response.flushBuffer();
            AccessLog.answeredEarly(request.getMethod(), request.getRequestURI().substring(
                    request.getContextPath().length()), type.status(), request.getContentLengthLong(), bytes.length,
                    requestId, trace.traceId());
        } catch (IOException | IllegalStateException clientGone) {
            // nothing more can be said to a client that closed the connection
        }
    }
}

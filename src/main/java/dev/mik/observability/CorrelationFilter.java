package dev.mik.observability;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;

import java.io.IOException;

/**
 * Gives every request an id and a trace position, and puts both on every response, errors included. Also starts every
 * request on a thread without a pending interrupt. A {@code /run} or {@code /script} request's access-log line and
 * span end when its response's length is known: at the response filter for a byte array (what handlers and scripts
 * answer) or no body, else once the body is written, counted.
 */
@Provider
@PreMatching
public class CorrelationFilter implements ContainerRequestFilter, ContainerResponseFilter, WriterInterceptor {

    @Inject
    RequestCorrelation correlation;

    @Override
    public void filter(ContainerRequestContext request) {
        // an interrupt left on a pooled container thread by earlier work must not cut this request short
        Thread.interrupted();
        correlation.begin(request.getHeaderString(RequestCorrelation.REQUEST_ID_HEADER),
                request.getHeaderString(RequestCorrelation.TRACEPARENT_HEADER),
                request.getUriInfo().getRequestUri().getRawPath(),
                request.getHeaderString(RequestCorrelation.REHEARSAL_HEADER),
                request.getMethod(), request.getUriInfo().getPath(false),
                AccessEntry.declaredBodyBytes(request.getLength(), request.getHeaderString("Transfer-Encoding")));
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        response.getHeaders().putSingle(RequestCorrelation.REQUEST_ID_HEADER, correlation.requestId());
        response.getHeaders().putSingle(RequestCorrelation.TRACEPARENT_HEADER, correlation.trace().traceparent());
        if (correlation.respond(response.getStatus())) {
            Object entity = response.getEntity();
            if (entity == null) {
                correlation.finish(0);
            } else if (entity instanceof byte[] bytes) {
                correlation.finish(bytes.length);
            }
        }
    }

    @Override
    public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
        if (!correlation.awaitsBody()) {
            context.proceed();
            return;
        }
        CountingOutputStream counted = new CountingOutputStream(context.getOutputStream());
        context.setOutputStream(counted);
        try {
            context.proceed();
        } finally {
            correlation.finish(counted.count());
        }
    }
}

package dev.mik.observability;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/**
 * Gives every request an id and a trace position, and puts both on every response, errors included. Also starts every
 * request on a thread without a pending interrupt.
 */
@Provider
@PreMatching
public class CorrelationFilter implements ContainerRequestFilter, ContainerResponseFilter {

    @Inject
    RequestCorrelation correlation;

    @Override
    public void filter(ContainerRequestContext request) {
        // an interrupt left on a pooled container thread by earlier work must not cut this request short
        Thread.interrupted();
        correlation.begin(request.getHeaderString(RequestCorrelation.REQUEST_ID_HEADER),
                request.getHeaderString(RequestCorrelation.TRACEPARENT_HEADER),
                request.getUriInfo().getRequestUri().getRawPath(),
                request.getHeaderString(RequestCorrelation.REHEARSAL_HEADER));
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        response.getHeaders().putSingle(RequestCorrelation.REQUEST_ID_HEADER, correlation.requestId());
        response.getHeaders().putSingle(RequestCorrelation.TRACEPARENT_HEADER, correlation.trace().traceparent());
    }
}

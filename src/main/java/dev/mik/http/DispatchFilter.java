package dev.mik.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/**
 * Notes each request's {@code UriInfo} for its {@link Dispatch}; the same object holds the path parameters once
 * matched.
 */
@Provider
@PreMatching
public class DispatchFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        Dispatch.matching(request.getUriInfo());
    }
}

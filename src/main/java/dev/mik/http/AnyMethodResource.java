package dev.mik.http;

import dev.mik.config.MikConfig;
import dev.mik.observability.RequestCorrelation;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.io.InputStream;

/**
 * A resource that answers every HTTP method the same way, passing the method on: handlers and scripts decide for
 * themselves what a method means. Subclasses carry the {@code @Path} and are {@code @ApplicationScoped}: one instance
 * serves every request (the {@code @Context} fields are the runtime's per-request proxies), because building a
 * resource per request, with its CDI and EJB references, was a fifth of a warm {@code /run/hello}'s CPU (JFR).
 */
public abstract class AnyMethodResource {

    @Inject
    protected MikConfig config;

    @Inject
    protected RequestCorrelation correlation;

    @Context
    protected UriInfo uri;

    @Context
    protected HttpHeaders headers;

    @Context
    protected HttpServletRequest servlet;

    protected abstract Response handle(String method, InputStream body);

    /** The request body, refused with 413 past {@code mik.request.max-bytes}. */
    protected byte[] readBody(InputStream body) {
        return RequestBody.read(body, headers.getHeaderString(HttpHeaders.CONTENT_LENGTH), config.requestMaxBytes());
    }

    /** A decoded path parameter, e.g. the module or script name. */
    protected String pathParameter(String name) {
        return uri.getPathParameters().getFirst(name);
    }

    protected ServerInfo serverInfo() {
        return new ServerInfo(servlet.getServerName(), servlet.getServerPort(), servlet.getProtocol(),
                servlet.getRemoteAddr());
    }

    @GET
    public Response get(InputStream body) {
        return handle("GET", body);
    }

    @POST
    public Response post(InputStream body) {
        return handle("POST", body);
    }

    @PUT
    public Response put(InputStream body) {
        return handle("PUT", body);
    }

    @DELETE
    public Response delete(InputStream body) {
        return handle("DELETE", body);
    }

    @PATCH
    public Response patch(InputStream body) {
        return handle("PATCH", body);
    }

    @HEAD
    public Response head(InputStream body) {
        return handle("HEAD", body);
    }

    @OPTIONS
    public Response options(InputStream body) {
        return handle("OPTIONS", body);
    }
}

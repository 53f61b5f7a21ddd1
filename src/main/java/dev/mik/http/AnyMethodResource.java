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

import java.io.IOException;
import java.io.UncheckedIOException;


/**
 * A resource that answers every HTTP method the same way, passing the method on: handlers and scripts decide for
 * themselves what a method means. Subclasses carry the {@code @Path} and are {@code @ApplicationScoped}: one instance
 * serves every request, because building a resource per request, with its CDI and EJB references, was a fifth of a
 * warm {@code /run/hello}'s CPU (JFR). What belongs to one request comes in as a {@link Call}.
 */
public abstract class AnyMethodResource {

    @Inject
    protected MikConfig config;

    @Inject
    protected RequestCorrelation correlation;

    /** Answers {@code call}; its body is read with {@link #readBody}. */
    protected abstract Response handle(Call call);

    /**
     * One request as a resource sees it: its method and the runtime's objects for it, looked up once. They are
     * method parameters, not {@code @Context} fields: in this one instance a field is a proxy that looks the request
     * up again on every call (on Payara that was a twentieth of a warm {@code /run/hello}'s CPU, JFR). The body is
     * read from the servlet request, not taken as an entity parameter: that went through the choice of a message body
     * reader on every request (the parameters were a twelfth of a warm {@code /run/hello}'s CPU, JFR).
     */
    protected record Call(String method, HttpServletRequest servlet, UriInfo uri, HttpHeaders headers) {

        /** A decoded path parameter, e.g. the module or script name. */
        public String pathParameter(String name) {
            return uri().getPathParameters().getFirst(name);
        }

        public ServerInfo serverInfo() {
            return new ServerInfo(servlet.getServerName(), servlet.getServerPort(), servlet.getProtocol(),
                    servlet.getRemoteAddr());
        }
    }

    /** The request body, refused with 413 past {@code mik.request.max-bytes}. */
    protected byte[] readBody(Call call) {
        try {
            return RequestBody.read(call.servlet().getInputStream(),
                    call.headers().getHeaderString(HttpHeaders.CONTENT_LENGTH), config.requestMaxBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GET
    public Response get(@Context HttpServletRequest servlet, @Context UriInfo uri, @Context HttpHeaders headers) {
        return handle(new Call("GET", servlet, uri, headers));
    }

    @POST
    public Response post(@Context HttpServletRequest servlet, @Context UriInfo uri, @Context HttpHeaders headers) {
        return handle(new Call("POST", servlet, uri, headers));
    }

    @PUT
    public Response put(@Context HttpServletRequest servlet, @Context UriInfo uri, @Context HttpHeaders headers) {
        return handle(new Call("PUT", servlet, uri, headers));
    }

    @DELETE
    public Response delete(@Context HttpServletRequest servlet, @Context UriInfo uri, @Context HttpHeaders headers) {
        return handle(new Call("DELETE", servlet, uri, headers));
    }

    @PATCH
    public Response patch(@Context HttpServletRequest servlet, @Context UriInfo uri, @Context HttpHeaders headers) {
        return handle(new Call("PATCH", servlet, uri, headers));
    }

    @HEAD
    public Response head(@Context HttpServletRequest servlet, @Context UriInfo uri, @Context HttpHeaders headers) {
        return handle(new Call("HEAD", servlet, uri, headers));
    }

    @OPTIONS
    public Response options(@Context HttpServletRequest servlet, @Context UriInfo uri, @Context HttpHeaders headers) {
        return handle(new Call("OPTIONS", servlet, uri, headers));
    }
}

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
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;


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
     * One request as a resource sees it: its method and the runtime's objects for it, looked up once, from its
     * {@link Dispatch}: neither {@code @Context} fields (in this one instance a field is a proxy that looks the request
     * up again on every call: on Payara that was a twentieth of a warm {@code /run/hello}'s CPU, JFR) nor
     * {@code @Context} parameters (resolved on every request, a twenty-fifth). The body and
     * the headers are read from the servlet request, not taken as an entity parameter and an {@code HttpHeaders}:
     * each parameter is resolved by the runtime on every request (the body through the choice of a message body
     * reader; the parameters were a twelfth of a warm {@code /run/hello}'s CPU, JFR), and the servlet request holds
     * the headers JAX-RS copies from it.
     */
    protected record Call(String method, HttpServletRequest servlet, UriInfo uri) {

        /** A decoded path parameter, e.g. the module or script name. */
        public String pathParameter(String name) {
            return uri().getPathParameters().getFirst(name);
        }

        /** Header name → its values joined with {@code ", "}, in arrival order. */
        public Map<String, String> headers() {
            return HttpRequests.headers(servlet);
        }

        public ServerInfo serverInfo() {
            return new ServerInfo(servlet.getServerName(), servlet.getServerPort(), servlet.getProtocol(),
                    servlet.getRemoteAddr());
        }
    }

    /** The request being served, from its {@link Dispatch}: {@link BodyBufferFilter} passes on every request. */
    private static Call call(String method) {
        Dispatch dispatch = Dispatch.current();
        if (dispatch == null) {
            throw new IllegalStateException("a request reached a resource without passing mik's servlet filter");
        }
        return new Call(method, dispatch.servlet(), dispatch.uri());
    }

    /** The request body, refused with 413 past {@code mik.request.max-bytes}. */
    protected byte[] readBody(Call call) {
        if (call.servlet() instanceof BufferedRequest buffered) {
            return buffered.body(); // read whole, and held to the limit, by BodyBufferFilter
        }
        try {
            return RequestBody.read(call.servlet().getInputStream(),
                    HttpRequests.headerString(call.servlet(), HttpHeaders.CONTENT_LENGTH), config.requestMaxBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GET
    public Response get() {
        return handle(call("GET"));
    }

    @POST
    public Response post() {
        return handle(call("POST"));
    }

    @PUT
    public Response put() {
        return handle(call("PUT"));
    }

    @DELETE
    public Response delete() {
        return handle(call("DELETE"));
    }

    @PATCH
    public Response patch() {
        return handle(call("PATCH"));
    }

    @HEAD
    public Response head() {
        return handle(call("HEAD"));
    }

    @OPTIONS
    public Response options() {
        return handle(call("OPTIONS"));
    }
}

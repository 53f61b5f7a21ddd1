package dev.mik.http;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;

/**
 * A resource that answers every HTTP method the same way, passing the method on: handlers and scripts decide for
 * themselves what a method means. Subclasses carry the {@code @Path}.
 */
public abstract class AnyMethodResource {

    protected abstract Response handle(String method, InputStream body);

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

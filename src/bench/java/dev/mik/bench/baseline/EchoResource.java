package dev.mik.bench.baseline;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

/** {@code POST /echo}: the counterpart of mik's {@code echo} handler; reads the whole body and describes it in JSON. */
@Path("echo")
public class EchoResource {

    @Context
    UriInfo uri;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject echo(String body) {
        return Json.createObjectBuilder()
                .add("method", "POST")
                .add("path", uri.getRequestUri().getRawPath())
                .add("body", body)
                .build();
    }
}

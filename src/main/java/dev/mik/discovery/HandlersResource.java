package dev.mik.discovery;

import dev.mik.json.TypedJson;
import dev.mik.openapi.ModuleDescriptions;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.run.HandlerListing;
import dev.mik.run.HandlerPool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/**
 * {@code GET /_mik/handlers} and {@code /_mik/handlers/{name}}: every module mik would run, with its version (size,
 * SHA-256, last modified), whether it runs compiled, why it was refused if it was, its circuit, its runs since start
 * its latest failure, and whether it has an OpenAPI description.
 */
@Path("_mik/handlers")
@ApplicationScoped
public class HandlersResource {

    @Inject
    HandlerPool pool;

    @Inject
    ModuleDescriptions descriptions;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String list() {
        return TypedJson.write(Map.of("handlers", pool.listing().stream().map(this::withOpenapi).toList()));
    }

    @GET
    @Path("{name}")
    @Produces(MediaType.APPLICATION_JSON)
    public String one(@PathParam("name") String name) {
        HandlerListing listing = pool.listing(name);
        if (listing == null) {
            throw new ProblemException(ProblemType.MODULE_NOT_FOUND, "No module '" + name + "' in the handlers"
                    + " directory.");
        }
        return TypedJson.write(withOpenapi(listing));
    }

    private HandlerListing withOpenapi(HandlerListing listing) {
        return listing.withOpenapi(descriptions.status(listing.name()).label());
    }
}

package dev.mik.openapi;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /_mik/openapi}: one OpenAPI document of mik's endpoints and every module's paths under
 * {@code /run/<module>}; {@code GET /_mik/openapi/{module}}: the module's own {@code <module>.openapi.json}.
 */
@Path("_mik/openapi")
@ApplicationScoped
public class OpenApiResource {

    @Inject
    ModuleDescriptions descriptions;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String merged() {
        return descriptions.merged();
    }

    @GET
    @Path("{module}")
    @Produces(MediaType.APPLICATION_JSON)
    public String module(@PathParam("module") String module) {
        return descriptions.document(module);
    }
}

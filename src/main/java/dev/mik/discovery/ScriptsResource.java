package dev.mik.discovery;

import dev.mik.json.TypedJson;
import dev.mik.script.ScriptExecutor;
import dev.mik.script.ScriptListing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /_mik/scripts}: every script mik would run, with what an operator needs to see at deployment: its
 * version (size, SHA-256, last modified), whether it compiled, its runs since start, its latest failure, and the
 * modules its {@code host.call}s name, each present or missing, so a misspelled module shows before a request.
 */
@Path("_mik/scripts")
@ApplicationScoped
public class ScriptsResource {

    @Inject
    ScriptExecutor executor;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String list() {
        List<ScriptListing> scripts = executor.listing();
        return TypedJson.write(Map.of("scripts", scripts));
    }
}

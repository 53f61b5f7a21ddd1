package dev.mik.openapi;

import dev.mik.testing.Http;
import dev.mik.testing.MikDeployment;
import dev.mik.testing.ServerTest;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.mik.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /_mik/openapi} and {@code /_mik/openapi/{module}} on a real server: the merged document, one module's
 * description, a module without one, an invalid and an oversized one, discovery's {@code openapi} state, a description
 * added and removed while the server runs, and a documented request answered as documented.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OpenApiIT extends ServerTest {

    private static final String NAME = "openapi-it";
    private static final Path HANDLERS = MikDeployment.handlersDirOf(NAME);

    @Deployment(testable = false)
    static WebArchive deployment() {
        WebArchive war = MikDeployment.named(NAME)
                .handler("auth").handler("inventory").handler("hello")
                .war();
        for (String module : List.of("bad", "big", "late")) {
            copy(MikDeployment.HANDLERS.resolve("hello.wasm"), HANDLERS.resolve(module + ".wasm"));
        }
        for (String module : List.of("auth", "inventory")) {
            copy(MikDeployment.HANDLERS.resolve(module + DescriptionCatalog.SUFFIX),
                    HANDLERS.resolve(module + DescriptionCatalog.SUFFIX));
        }
        write("bad", "{\"openapi\":\"2.0\",\"paths\":{}}");
        write("big", "{\"openapi\":\"3.1.0\",\"paths\":{},\"x-pad\":\"" + "p".repeat(DescriptionReader.MAX_BYTES)
                + "\"}");
        return war;
    }

    @Test
    void mergedDocumentHasMikEndpointsAndEveryModulePathUnderRun() {
        Http.Reply reply = http.get("_mik/openapi");
        assertEquals(200, reply.status(), reply::toString);
        assertTrue(reply.header("Content-Type").startsWith("application/json"), reply::toString);
        JsonObject merged = reply.json();
        assertEquals("3.1.0", merged.getString("openapi"));
        JsonObject paths = merged.getJsonObject("paths");
        for (String path : List.of("/run/{module}", "/script/{name}", "/_mik/health/ready", "/_mik/metrics",
                "/_mik/handlers/{name}", "/_mik/openapi/{module}", "/run/auth/verify", "/run/inventory/check")) {
            assertTrue(paths.containsKey(path), path);
        }
        assertEquals("#/components/schemas/auth.VerifyRequest", paths.getJsonObject("/run/auth/verify")
                .getJsonObject("post").getJsonObject("requestBody").getJsonObject("content")
                .getJsonObject("application/json").getJsonObject("schema").getString("$ref"));
        JsonObject modules = merged.getJsonObject("x-mik-modules");
        assertEquals("present", modules.getString("auth"));
        assertEquals("absent", modules.getString("hello"));
        assertEquals("invalid", modules.getString("bad"));
        assertEquals("invalid", modules.getString("big"));
        OpenApiWalk.refs(merged).forEach(ref -> assertTrue(OpenApiWalk.resolves(merged, ref), ref));
        assertFalse(reply.body().contains(HANDLERS.toString()), "names the handlers directory");
    }

    @Test
    void oneModulesDescriptionIsServedWithWhereMikServesIt() throws Exception {
        Http.Reply reply = http.get("_mik/openapi/auth");
        assertEquals(200, reply.status(), reply::toString);
        assertTrue(reply.header("Content-Type").startsWith("application/json"), reply::toString);
        JsonObject served = reply.json();
        JsonObject file = DescriptionReader.read(Files.readAllBytes(MikDeployment.HANDLERS.resolve(
                "auth.openapi.json")));
        assertEquals(file.getJsonObject("paths"), served.getJsonObject("paths"));
        assertEquals(file.getJsonObject("components"), served.getJsonObject("components"));
        assertEquals("../../run/auth", served.getJsonArray("servers").getJsonObject(0).getString("url"));
    }

    @Test
    void aModuleWithoutDescriptionAndAnUnknownModuleAreDifferentNotFounds() {
        JsonObject none = assertProblem(http.get("_mik/openapi/hello"), 404, "openapi-not-found");
        assertTrue(none.getString("detail").contains("hello.openapi.json"), none::toString);
        assertProblem(http.get("_mik/openapi/nope"), 404, "module-not-found");
        assertProblem(http.get("_mik/openapi/bad%20name"), 404, "module-not-found");
        assertProblem(http.get("_mik/handlers/nope"), 404, "module-not-found");
    }

    @Test
    void anInvalidOrOversizedDescriptionIsAProblemSayingWhy() {
        JsonObject bad = assertProblem(http.get("_mik/openapi/bad"), 502, "openapi-invalid");
        assertTrue(bad.getString("detail").contains("OpenAPI 3.x version"), bad::toString);
        JsonObject big = assertProblem(http.get("_mik/openapi/big"), 502, "openapi-invalid");
        assertTrue(big.getString("detail").contains("the limit is 1048576 bytes (1 MiB)"), big::toString);
        assertFalse(bad.toString().contains(HANDLERS.toString()) || big.toString().contains(HANDLERS.toString()));
    }

    @Test
    void discoveryTellsWhetherEachModuleHasADescription() {
        assertEquals("present", http.get("_mik/handlers/auth").json().getString("openapi"));
        assertEquals("absent", http.get("_mik/handlers/hello").json().getString("openapi"));
        assertEquals("invalid", http.get("_mik/handlers/bad").json().getString("openapi"));
        http.get("_mik/handlers").json().getJsonArray("handlers").forEach(entry ->
                assertTrue(List.of("present", "absent", "invalid").contains(entry.asJsonObject().getString("openapi")),
                        entry::toString));
    }

    @Test
    void aDescriptionAddedOrRemovedWhileTheServerRunsIsSeenAtTheNextRequest() throws IOException {
        assertProblem(http.get("_mik/openapi/late"), 404, "openapi-not-found");
        write("late", "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"late\",\"version\":\"1\"},"
                + "\"paths\":{\"/\":{\"get\":{\"responses\":{\"200\":{\"description\":\"hello\"}}}}}}");
        assertEquals(200, http.get("_mik/openapi/late").status());
        assertTrue(http.get("_mik/openapi").json().getJsonObject("paths").containsKey("/run/late"));
        assertEquals("present", http.get("_mik/handlers/late").json().getString("openapi"));
        Files.delete(HANDLERS.resolve("late.openapi.json"));
        assertProblem(http.get("_mik/openapi/late"), 404, "openapi-not-found");
        assertFalse(http.get("_mik/openapi").json().getJsonObject("paths").containsKey("/run/late"));
    }

    @Test
    void aDocumentedRequestIsAnsweredAsDocumented() {
        JsonObject operation = http.get("_mik/openapi").json().getJsonObject("paths")
                .getJsonObject("/run/inventory/check").getJsonObject("post");
        JsonObject media = operation.getJsonObject("requestBody").getJsonObject("content")
                .getJsonObject("application/json");
        Http.Reply reply = http.post("run/inventory/check", media.getJsonObject("example").toString(),
                "Content-Type", "application/json");
        JsonObject documented = operation.getJsonObject("responses").getJsonObject(String.valueOf(reply.status()));
        assertEquals(documented.getJsonObject("content").getJsonObject("application/json").getJsonObject("example"),
                reply.json(), reply::toString);
    }

    private static void copy(Path from, Path to) {
        try {
            Files.copy(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(String module, String description) {
        try {
            Files.writeString(HANDLERS.resolve(module + DescriptionCatalog.SUFFIX), description);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

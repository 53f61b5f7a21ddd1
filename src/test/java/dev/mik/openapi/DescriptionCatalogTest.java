package dev.mik.openapi;

import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The catalog over a real directory: which problem each state of a module answers, that a file is read again only
 * when its stamp changes and the merged document made again only when a module or description changed, and that no
 * answer names the directory.
 */
class DescriptionCatalogTest {

    private static final String ITEMS = """
            {"openapi":"3.0.3","info":{"title":"items","version":"1"},
             "paths":{"/items":{"get":{"responses":{"200":{"description":"ok"}}}}}}""";

    @TempDir
    Path dir;

    private DescriptionCatalog catalog;

    @BeforeEach
    void create() throws Exception {
        catalog = new DescriptionCatalog(() -> dir, OwnDocument.load());
        Files.write(dir.resolve("a.wasm"), new byte[] {0});
        Files.write(dir.resolve("plain.wasm"), new byte[] {0});
        Files.writeString(dir.resolve("a.openapi.json"), ITEMS);
    }

    @Test
    void servesTheDescriptionWithServersSayingWhereMikServesTheModule() {
        JsonObject served = json(catalog.document("a"));
        assertEquals("../../run/a", served.getJsonArray("servers").getJsonObject(0).getString("url"));
        assertTrue(served.getJsonObject("paths").containsKey("/items"));
        assertEquals(DescriptionStatus.PRESENT, catalog.status("a"));
    }

    @Test
    void eachMissingThingIsItsOwnProblem() throws Exception {
        assertProblem(ProblemType.MODULE_NOT_FOUND, "nope", "No module 'nope'");
        assertProblem(ProblemType.MODULE_NOT_FOUND, "../a", "No module '../a'");
        assertProblem(ProblemType.OPENAPI_NOT_FOUND, "plain", "mik serves plain.openapi.json from beside plain.wasm");
        assertEquals(DescriptionStatus.ABSENT, catalog.status("plain"));
        Files.writeString(dir.resolve("plain.openapi.json"), "{\"openapi\":\"3.0.3\"}");
        assertProblem(ProblemType.OPENAPI_INVALID, "plain", "'paths' is required");
        assertEquals(DescriptionStatus.INVALID, catalog.status("plain"));
        Files.write(dir.resolve("plain.openapi.json"), new byte[DescriptionReader.MAX_BYTES + 1]);
        assertProblem(ProblemType.OPENAPI_INVALID, "plain", "the limit is 1048576 bytes");
        Files.delete(dir.resolve("a.wasm"));
        assertProblem(ProblemType.MODULE_NOT_FOUND, "a", "No module 'a'");
    }

    @Test
    void readsAFileAgainOnlyWhenItsStampChanges() throws Exception {
        String first = catalog.document("a");
        assertSame(first, catalog.document("a"));
        Path file = dir.resolve("a.openapi.json");
        Files.writeString(file, ITEMS.replace("/items", "/things"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        String second = catalog.document("a");
        assertTrue(json(second).getJsonObject("paths").containsKey("/things"));
        assertSame(second, catalog.document("a"));
    }

    @Test
    void makesTheMergedDocumentAgainOnlyWhenAModuleOrDescriptionChanged() throws Exception {
        String first = catalog.merged();
        assertSame(first, catalog.merged());
        JsonObject merged = json(first);
        assertTrue(merged.getJsonObject("paths").containsKey("/run/a/items"));
        assertEquals("absent", merged.getJsonObject("x-mik-modules").getString("plain"));

        Files.writeString(dir.resolve("plain.openapi.json"), ITEMS.replace("/items", "/"));
        String withPlain = catalog.merged();
        assertNotSame(first, withPlain);
        assertTrue(json(withPlain).getJsonObject("paths").containsKey("/run/plain"));
        assertSame(withPlain, catalog.merged());

        Files.write(dir.resolve("b.wasm"), new byte[] {0});
        String withB = catalog.merged();
        assertEquals("absent", json(withB).getJsonObject("x-mik-modules").getString("b"));

        Files.delete(dir.resolve("a.wasm"));
        JsonObject withoutA = json(catalog.merged());
        assertFalse(withoutA.getJsonObject("paths").containsKey("/run/a/items"));
        assertFalse(withoutA.getJsonObject("x-mik-modules").containsKey("a"));
    }

    @Test
    void noAnswerNamesTheDirectory() throws Exception {
        Files.writeString(dir.resolve("plain.openapi.json"), "{");
        String where = dir.toAbsolutePath().toString();
        assertFalse(catalog.merged().contains(where));
        assertFalse(catalog.document("a").contains(where));
        ProblemException refused = assertThrows(ProblemException.class, () -> catalog.document("plain"));
        assertFalse(refused.detail().contains(where), refused.detail());
    }

    private void assertProblem(ProblemType type, String module, String detail) {
        ProblemException problem = assertThrows(ProblemException.class, () -> catalog.document(module));
        assertEquals(type, problem.type());
        assertTrue(problem.detail().contains(detail), problem.detail());
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}

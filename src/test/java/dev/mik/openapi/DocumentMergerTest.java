package dev.mik.openapi;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The merge over a seeded corpus of module descriptions built to collide with each other and with mik
 * ({@link DescriptionCorpus}): whatever the modules hold, mik's entries stay exactly as written, every module path
 * appears once under its prefix with its operations, every reference resolves, operation ids stay unique, and each
 * module's part is the same whether merged alone or beside others, in any order.
 */
class DocumentMergerTest {

    private static final long SEED = 20261130L;
    private static final int ROUNDS = 400;
    private static final JsonObject OWN = OwnDocument.load();

    @Test
    void mergedDocumentKeepsMikIntactAndEveryModulePathOnceWithEveryReferenceResolving() throws Exception {
        DescriptionCorpus corpus = new DescriptionCorpus(SEED);
        Random order = new Random(SEED);
        int modulePaths = 0;
        for (int round = 0; round < ROUNDS; round++) {
            List<ModuleDocument> modules = new ArrayList<>();
            for (String name : corpus.moduleNames(5)) {
                JsonObject document = corpus.document();
                DescriptionRules.check(document);
                modules.add(new ModuleDocument(name, DescriptionStatus.PRESENT, document));
            }
            JsonObject merged = DocumentMerger.merge(OWN, modules);
            String context = "round " + round + " modules " + modules.stream().map(ModuleDocument::name).toList();

            assertMikIntact(merged, context);
            modulePaths += assertEveryModulePathOnce(merged, modules, context);
            assertReferencesResolve(merged, context);
            assertNamesPointAtComponents(merged, context);
            assertOperationIdsUnique(merged, context);
            assertExamplesUntouched(merged, modules, context);

            List<ModuleDocument> shuffled = new ArrayList<>(modules);
            Collections.shuffle(shuffled, order);
            assertEquals(merged.toString(), DocumentMerger.merge(OWN, shuffled).toString(),
                    () -> "order changed the merge: " + context);
            for (ModuleDocument module : modules) {
                assertTrue(partOf(module.name(), DocumentMerger.merge(OWN, List.of(module)))
                        .equals(partOf(module.name(), merged)),
                        "another module changed " + module.name() + ": " + context);
            }
        }
        assertTrue(modulePaths > ROUNDS, "the corpus made " + modulePaths + " module paths");
    }

    @Test
    void aModuleWithoutDescriptionOrWithAnInvalidOneIsListedAndAddsNothing() {
        JsonObject merged = DocumentMerger.merge(OWN, List.of(
                new ModuleDocument("plain", DescriptionStatus.ABSENT, null),
                new ModuleDocument("broken", DescriptionStatus.INVALID, null)));
        assertEquals(OWN.getJsonObject("paths"), merged.getJsonObject("paths"));
        assertEquals(OWN.getJsonObject("components"), merged.getJsonObject("components"));
        assertEquals("absent", merged.getJsonObject("x-mik-modules").getString("plain"));
        assertEquals("invalid", merged.getJsonObject("x-mik-modules").getString("broken"));
    }

    private static void assertMikIntact(JsonObject merged, String context) {
        OWN.forEach((key, value) -> {
            if (!key.equals("paths") && !key.equals("components") && !key.equals("tags")) {
                assertEquals(value, merged.get(key), key + ": " + context);
            }
        });
        OWN.getJsonObject("paths").forEach((path, item) ->
                assertEquals(item, merged.getJsonObject("paths").get(path), path + ": " + context));
        OWN.getJsonObject("components").forEach((section, entries) -> entries.asJsonObject().forEach((name, entry) ->
                assertEquals(entry, merged.getJsonObject("components").getJsonObject(section).get(name),
                        section + "/" + name + ": " + context)));
        List<JsonValue> tags = merged.getJsonArray("tags");
        assertEquals(OWN.getJsonArray("tags"), tags.subList(0, OWN.getJsonArray("tags").size()), context);
        Set<String> tagNames = new HashSet<>();
        tags.forEach(tag -> assertTrue(tagNames.add(tag.asJsonObject().getString("name")), "tag twice: " + context));
    }

    /** Every module path under {@code /run/<module>} with the same operations, and nothing else besides mik's. */
    private static int assertEveryModulePathOnce(JsonObject merged, List<ModuleDocument> modules, String context) {
        JsonObject paths = merged.getJsonObject("paths");
        int expected = OWN.getJsonObject("paths").size();
        for (ModuleDocument module : modules) {
            for (Map.Entry<String, JsonValue> path : module.document().getJsonObject("paths").entrySet()) {
                String rerooted = "/run/" + module.name() + (path.getKey().equals("/") ? "" : path.getKey());
                JsonValue item = paths.get(rerooted);
                assertNotNull(item, rerooted + " missing: " + context);
                assertEquals(path.getValue().asJsonObject().keySet(), item.asJsonObject().keySet(), rerooted);
                expected++;
            }
        }
        assertEquals(expected, paths.size(), "paths were lost or made up: " + context);
        return expected - OWN.getJsonObject("paths").size();
    }

    private static void assertReferencesResolve(JsonObject merged, String context) {
        List<String> refs = OpenApiWalk.refs(merged);
        assertTrue(refs.size() > 10, context);
        for (String ref : refs) {
            if (!OpenApiWalk.resolves(merged, ref)) {
                fail("unresolved " + ref + ": " + context);
            }
        }
    }

    /** Security requirements name security schemes, and discriminator mappings schemas or resolving references. */
    private static void assertNamesPointAtComponents(JsonObject merged, String context) {
        JsonObject components = merged.getJsonObject("components");
        OpenApiWalk.members(merged, (key, value) -> {
            if (key.equals("security") && value.getValueType() == JsonValue.ValueType.ARRAY) {
                value.asJsonArray().forEach(requirement -> requirement.asJsonObject().keySet().forEach(scheme ->
                        assertTrue(components.getJsonObject("securitySchemes").containsKey(scheme),
                                scheme + ": " + context)));
            }
            if (key.equals("mapping")) {
                value.asJsonObject().values().forEach(target -> {
                    String name = ((JsonString) target).getString();
                    assertTrue(name.startsWith("#") ? OpenApiWalk.resolves(merged, name)
                            : components.getJsonObject("schemas").containsKey(name), name + ": " + context);
                });
            }
        });
    }

    private static void assertOperationIdsUnique(JsonObject merged, String context) {
        Set<String> ids = new HashSet<>();
        merged.getJsonObject("paths").values().forEach(item -> item.asJsonObject().values().forEach(operation -> {
            if (operation instanceof JsonObject op && op.get("operationId") instanceof JsonString id) {
                assertTrue(ids.add(id.getString()), "operationId " + id.getString() + " twice: " + context);
            }
        }));
    }

    /** Examples are data: a {@code $ref} inside one is carried as written. */
    private static void assertExamplesUntouched(JsonObject merged, List<ModuleDocument> modules, String context) {
        long written = modules.stream().mapToLong(module -> count(module.document().toString(), "#/nowhere")).sum()
                + count(OWN.toString(), "#/nowhere");
        assertEquals(written, count(merged.toString(), "#/nowhere"), context);
        long data = modules.stream().mapToLong(m -> count(m.document().toString(), "data, not a reference")).sum();
        assertEquals(data, count(merged.toString(), "data, not a reference"), context);
    }

    /** What the merge holds of one module: its paths, its components, its tags. */
    private static List<Object> partOf(String module, JsonObject merged) {
        List<Object> part = new ArrayList<>();
        merged.getJsonObject("paths").forEach((path, item) -> {
            if (path.equals("/run/" + module) || path.startsWith("/run/" + module + "/")) {
                part.add(Map.entry(path, item));
            }
        });
        merged.getJsonObject("components").forEach((section, entries) -> entries.asJsonObject().forEach((name, e) -> {
            if (name.startsWith(module + ".")) {
                part.add(Map.entry(section + "/" + name, e));
            }
        }));
        merged.getJsonArray("tags").forEach(tag -> {
            String name = tag.asJsonObject().getString("name");
            if (name.equals(module) || name.startsWith(module + "/")) {
                part.add(tag);
            }
        });
        return part;
    }

    private static long count(String text, String part) {
        long count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}

package dev.mik.openapi;

import dev.mik.http.AnyMethodResource;
import dev.mik.problem.ProblemType;
import dev.mik.run.HandlerListing;
import dev.mik.script.ScriptListing;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mik's own hand-written document stays true to the code: it describes exactly the JAX-RS routes the WAR has, with
 * their methods; its problem codes are exactly {@link ProblemType}'s; its discovery schemas have exactly the listings'
 * fields; every reference resolves; and it passes the checks a module's description must pass.
 */
class OwnDocumentTest {

    private static final JsonObject OWN = OwnDocument.load();
    private static final java.nio.file.Path CLASSES = java.nio.file.Path.of("target/classes");

    @Test
    void describesExactlyTheRoutesAndMethodsOfEveryResourceInTheWar() throws Exception {
        TreeMap<String, Set<String>> routes = new TreeMap<>();
        for (Class<?> resource : resources()) {
            String base = "/" + resource.getAnnotation(Path.class).value();
            if (AnyMethodResource.class.isAssignableFrom(resource)) {
                Set<String> every = Set.of("get", "put", "post", "delete", "options", "head", "patch");
                // "run/{module}{path: (/.*)?}": the name alone, or the name and a path below it
                String name = base.substring(0, base.indexOf("{path"));
                routes.put(name, every);
                routes.put(name + "/{path}", every);
                continue;
            }
            for (Method method : resource.getDeclaredMethods()) {
                if (method.isAnnotationPresent(GET.class)) {
                    Path sub = method.getAnnotation(Path.class);
                    routes.computeIfAbsent(sub == null ? base : base + "/" + sub.value(), r -> new TreeSet<>())
                            .add("get");
                }
            }
        }
        TreeMap<String, Set<String>> described = new TreeMap<>();
        OWN.getJsonObject("paths").forEach((path, item) -> described.put(path, item.asJsonObject().keySet().stream()
                .filter(OpenApiShape.METHODS::contains).collect(Collectors.toCollection(TreeSet::new))));
        assertEquals(routes, described);
        assertTrue(routes.containsKey("/_mik/openapi/{module}") && routes.size() >= 12, routes::toString);
    }

    @Test
    void problemCodesAreExactlyTheProblemTypes() {
        Set<String> codes = OWN.getJsonObject("components").getJsonObject("schemas").getJsonObject("Problem")
                .getJsonObject("properties").getJsonObject("code").getJsonArray("enum").getValuesAs(JsonString.class)
                .stream().map(JsonString::getString).collect(Collectors.toCollection(TreeSet::new));
        Set<String> types = Arrays.stream(ProblemType.values()).map(ProblemType::code)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(types, codes);
    }

    @Test
    void discoverySchemasHaveExactlyTheListingsFields() {
        assertEquals(fields(HandlerListing.class), properties("HandlerListing"));
        assertEquals(fields(ScriptListing.class), properties("ScriptListing"));
    }

    @Test
    void everyReferenceResolvesAndTheModuleChecksPass() throws Exception {
        DescriptionRules.check(OWN);
        List<String> refs = OpenApiWalk.refs(OWN);
        assertTrue(refs.size() > 100, "refs: " + refs.size());
        refs.forEach(ref -> assertTrue(OpenApiWalk.resolves(OWN, ref), ref));
    }

    @Test
    void mikNamesCannotMeetAModuleName() {
        OWN.getJsonObject("components").forEach((section, entries) -> entries.asJsonObject().keySet()
                .forEach(name -> assertTrue(!name.contains("."), section + "/" + name)));
        OWN.getJsonArray("tags").forEach(tag -> assertTrue(tag.asJsonObject().getString("name").startsWith("mik: ")));
    }

    private static Set<String> properties(String schema) {
        return new TreeSet<>(OWN.getJsonObject("components").getJsonObject("schemas").getJsonObject(schema)
                .getJsonObject("properties").keySet());
    }

    private static Set<String> fields(Class<? extends Record> listing) {
        return Arrays.stream(listing.getRecordComponents()).map(RecordComponent::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Every class of the WAR with a JAX-RS {@code @Path}, found by walking the compiled classes. */
    private static List<Class<?>> resources() throws IOException {
        try (Stream<java.nio.file.Path> files = Files.walk(CLASSES.resolve("dev/mik"))) {
            return files.map(CLASSES::relativize).map(java.nio.file.Path::toString)
                    .filter(name -> name.endsWith(".class"))
                    .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
                    .map(OwnDocumentTest::load)
                    .filter(type -> type.isAnnotationPresent(Path.class))
                    .collect(Collectors.toList());
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, OwnDocumentTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.mik.openapi;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Seeded module descriptions that use every kind of name the merge renames, chosen to meet each other's and mik's:
 * components called {@code Problem} or {@code HandlerListing}, operation ids called {@code runGet}, tags called
 * {@code mik: run}, paths like {@code /run/{module}} and {@code /_mik/health/live}, references into paths and into
 * components (percent-encoded or not), discriminator mappings, security requirements, a property called
 * {@code $ref} and examples holding {@code $ref}s that are data.
 */
final class DescriptionCorpus {

    /** Looked up once: {@code Json}'s static methods look the provider up on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private static final String NAME_CHARS = "abcXYZ019_-";
    private static final List<String> TRICKY_MODULES = List.of("run", "_mik", "mik", "Problem", "a-b", "x_1", "R");
    private static final List<String> COMPONENT_NAMES = List.of("Problem", "Health", "HandlerListing", "Error", "a.b",
            "x_y", "Item", "run-1", "RetryAfter", "Internal");
    private static final List<String> SEGMENTS = List.of("items", "{id}", "{module}", "run", "_mik", "health", "..",
            "a b", "~tilde", "%7B", "x.y", "");
    private static final List<String> OPERATION_IDS = List.of("runGet", "listHandlers", "openapi", "op", "get.item");
    private static final List<String> TAGS = List.of("mik: run", "mik: health", "items", "a/b", "run");
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");

    private final Random random;
    private int operationCount;

    DescriptionCorpus(long seed) {
        this.random = new Random(seed);
    }

    /** 1 to {@code max} distinct module names, some of them chosen to look like mik's names. */
    List<String> moduleNames(int max) {
        Set<String> names = new LinkedHashSet<>();
        int count = 1 + random.nextInt(max);
        while (names.size() < count) {
            names.add(random.nextInt(3) == 0 ? pick(TRICKY_MODULES) : word(1 + random.nextInt(8)));
        }
        return new ArrayList<>(names);
    }

    JsonObject document() {
        List<String> schemas = distinct(COMPONENT_NAMES, 1 + random.nextInt(5));
        List<String> responses = distinct(COMPONENT_NAMES, random.nextInt(3));
        List<String> schemes = distinct(List.of("key", "bearer", "Problem", "oauth.x"), random.nextInt(3));
        List<String> paths = distinctPaths(1 + random.nextInt(6));

        JsonObjectBuilder schemaSection = JSON.createObjectBuilder();
        for (String name : schemas) {
            schemaSection.add(name, schema(schemas));
        }
        JsonObjectBuilder components = JSON.createObjectBuilder().add("schemas", schemaSection);
        if (!responses.isEmpty()) {
            JsonObjectBuilder section = JSON.createObjectBuilder();
            responses.forEach(name -> section.add(name, response(schemas)));
            components.add("responses", section);
        }
        if (!schemes.isEmpty()) {
            JsonObjectBuilder section = JSON.createObjectBuilder();
            schemes.forEach(name -> section.add(name, JSON.createObjectBuilder().add("type", "apiKey")
                    .add("name", "X-Key").add("in", "header")));
            components.add("securitySchemes", section);
        }
        components.add("parameters", JSON.createObjectBuilder().add("Id", JSON.createObjectBuilder()
                .add("name", "id").add("in", "query").add("schema", ref("schemas", pick(schemas)))));

        JsonObjectBuilder pathSection = JSON.createObjectBuilder();
        for (int i = 0; i < paths.size(); i++) {
            boolean alias = i > 0 && random.nextInt(6) == 0;
            pathSection.add(paths.get(i), alias ? JSON.createObjectBuilder().add("$ref", pathRef(paths.get(0))).build()
                    : pathItem(schemas, responses, schemes));
        }
        JsonObjectBuilder document = JSON.createObjectBuilder()
                .add("openapi", random.nextBoolean() ? "3.0.3" : "3.1.0")
                .add("info", JSON.createObjectBuilder().add("title", word(5)).add("version", "1"))
                .add("servers", JSON.createArrayBuilder().add(JSON.createObjectBuilder().add("url", "https://x")))
                .add("paths", pathSection)
                .add("components", components);
        if (!schemes.isEmpty() && random.nextBoolean()) {
            document.add("security", security(schemes));
        }
        if (random.nextBoolean()) {
            document.add("tags", JSON.createArrayBuilder().add(JSON.createObjectBuilder().add("name", pick(TAGS))
                    .add("description", "a tag")));
        }
        return document.build();
    }

    private JsonObject pathItem(List<String> schemas, List<String> responses, List<String> schemes) {
        JsonObjectBuilder item = JSON.createObjectBuilder();
        for (String method : distinct(METHODS, 1 + random.nextInt(3))) {
            JsonObjectBuilder operation = JSON.createObjectBuilder();
            if (random.nextBoolean()) {
                operation.add("operationId", pick(OPERATION_IDS) + operationCount++);
            }
            if (random.nextBoolean()) {
                operation.add("tags", JSON.createArrayBuilder().add(pick(TAGS)));
            }
            if (!schemes.isEmpty() && random.nextInt(3) == 0) {
                operation.add("security", security(schemes));
            }
            operation.add("parameters", JSON.createArrayBuilder().add(ref("parameters", "Id")));
            JsonObjectBuilder answers = JSON.createObjectBuilder().add("200", response(schemas));
            if (!responses.isEmpty()) {
                answers.add("4XX", ref("responses", pick(responses)));
            }
            operation.add("responses", answers);
            if (random.nextBoolean()) {
                operation.add("requestBody", JSON.createObjectBuilder().add("content", JSON.createObjectBuilder()
                        .add("application/json", JSON.createObjectBuilder().add("schema", schema(schemas))
                                .add("example", JSON.createObjectBuilder().add("$ref", "data, not a reference")))));
            }
            item.add(method, operation);
        }
        return item.build();
    }

    private JsonObject response(List<String> schemas) {
        return JSON.createObjectBuilder().add("description", "an answer").add("content", JSON.createObjectBuilder()
                .add("application/json", JSON.createObjectBuilder().add("schema", schema(schemas)))).build();
    }

    /** A schema with references to the document's schemas, in the places JSON Schema puts them. */
    private JsonObject schema(List<String> schemas) {
        JsonObjectBuilder properties = JSON.createObjectBuilder()
                .add("$ref", JSON.createObjectBuilder().add("type", "string"))
                .add("security", JSON.createObjectBuilder().add("type", "integer"))
                .add("child", ref("schemas", pick(schemas)))
                .add("children", JSON.createObjectBuilder().add("type", "array")
                        .add("items", ref("schemas", pick(schemas))));
        JsonObjectBuilder schema = JSON.createObjectBuilder().add("type", "object").add("properties", properties)
                .add("example", JSON.createObjectBuilder().add("$ref", "#/nowhere"));
        if (random.nextBoolean()) {
            schema.add("allOf", JSON.createArrayBuilder().add(ref("schemas", pick(schemas))));
        }
        if (random.nextInt(3) == 0) {
            String target = pick(schemas);
            schema.add("oneOf", JSON.createArrayBuilder().add(ref("schemas", target)))
                    .add("discriminator", JSON.createObjectBuilder().add("propertyName", "kind")
                            .add("mapping", JSON.createObjectBuilder().add("a", target)
                                    .add("b", refText("schemas", pick(schemas)))));
        }
        return schema.build();
    }

    private JsonArrayBuilder security(List<String> schemes) {
        return JSON.createArrayBuilder().add(JSON.createObjectBuilder().add(pick(schemes), JSON.createArrayBuilder()));
    }

    private JsonObject ref(String section, String name) {
        return JSON.createObjectBuilder().add("$ref", refText(section, name)).build();
    }

    private String refText(String section, String name) {
        return "#/components/" + section + "/" + name;
    }

    /** A reference to a path item, written with or without percent-encoding of its braces and spaces. */
    private String pathRef(String path) {
        String token = path.replace("~", "~0").replace("/", "~1");
        if (random.nextBoolean()) {
            token = token.replace("%", "%25").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20");
        } else {
            token = token.replace("%", "%25").replace(" ", "%20");
        }
        return "#/paths/" + token;
    }

    private List<String> distinctPaths(int count) {
        Set<String> paths = new LinkedHashSet<>();
        while (paths.size() < count) {
            StringBuilder path = new StringBuilder();
            int segments = random.nextInt(4);
            for (int i = 0; i < segments; i++) {
                path.append('/').append(pick(SEGMENTS));
            }
            paths.add(path.length() == 0 ? "/" : path.toString());
        }
        return new ArrayList<>(paths);
    }

    private List<String> distinct(List<String> pool, int count) {
        List<String> shuffled = new ArrayList<>(pool);
        java.util.Collections.shuffle(shuffled, random);
        return shuffled.subList(0, Math.min(count, shuffled.size()));
    }

    private String word(int length) {
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < length; i++) {
            word.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
        }
        return word.toString();
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}

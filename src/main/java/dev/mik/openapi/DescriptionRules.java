package dev.mik.openapi;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a module's description must be for mik to serve and merge it: an OpenAPI 3.x object with {@code paths}, each
 * path starting with {@code /}, components under names OpenAPI allows, and every reference resolving inside the
 * document, into its components or paths (the only parts the merge carries over), so every reference of the merged
 * document resolves too.
 */
final class DescriptionRules {

    /** How much of a name from the file a refusal quotes. */
    private static final int QUOTED_CHARS = 120;

    private DescriptionRules() {
    }

    static void check(JsonObject document) throws InvalidDescriptionException {
        if (!(document.get("openapi") instanceof JsonString version)
                || !OpenApiShape.VERSION.matcher(version.getString()).matches()) {
            throw new InvalidDescriptionException("'openapi' must be an OpenAPI 3.x version such as \"3.1.0\".");
        }
        JsonObject paths = object(document, "paths", "'paths' must be an object.");
        if (paths == null) {
            throw new InvalidDescriptionException("'paths' is required: an object of the module's paths.");
        }
        NameWalk walk = new NameWalk(new Checked(document));
        for (Map.Entry<String, JsonValue> path : paths.entrySet()) {
            if (!path.getKey().startsWith("/")) {
                throw new InvalidDescriptionException("The path '" + quote(path.getKey()) + "' must start with '/'.");
            }
            if (path.getValue().getValueType() != JsonValue.ValueType.OBJECT) {
                throw new InvalidDescriptionException("The path '" + quote(path.getKey()) + "' must be an object.");
            }
            walk.keywords(path.getValue());
        }
        checkOperationIds(paths);
        checkComponents(document, walk);
        if (document.containsKey("security")) {
            if (document.get("security").getValueType() != JsonValue.ValueType.ARRAY) {
                throw new InvalidDescriptionException("'security' must be an array.");
            }
            walk.security(document.getJsonArray("security"));
        }
        checkTags(document);
    }

    /** OpenAPI's rule, which the merge relies on: it prefixes ids with the module's name, keeping them unique. */
    private static void checkOperationIds(JsonObject paths) throws InvalidDescriptionException {
        Set<String> ids = new HashSet<>();
        for (JsonValue item : paths.values()) {
            for (String method : OpenApiShape.METHODS) {
                if (item.asJsonObject().get(method) instanceof JsonObject operation
                        && operation.get("operationId") instanceof JsonString id && !ids.add(id.getString())) {
                    throw new InvalidDescriptionException("The operationId '" + quote(id.getString())
                            + "' is used twice.");
                }
            }
        }
    }

    private static void checkComponents(JsonObject document, NameWalk walk) throws InvalidDescriptionException {
        JsonObject components = object(document, "components", "'components' must be an object.");
        if (components == null) {
            return;
        }
        for (Map.Entry<String, JsonValue> section : components.entrySet()) {
            if (section.getKey().startsWith("x-")) {
                continue;
            }
            if (!OpenApiShape.SECTIONS.contains(section.getKey())) {
                throw new InvalidDescriptionException("'components' has no section '" + quote(section.getKey())
                        + "'; the sections are " + OpenApiShape.SECTIONS + ".");
            }
            if (section.getValue().getValueType() != JsonValue.ValueType.OBJECT) {
                throw new InvalidDescriptionException("components." + section.getKey() + " must be an object.");
            }
            for (Map.Entry<String, JsonValue> entry : section.getValue().asJsonObject().entrySet()) {
                if (!OpenApiShape.COMPONENT_NAME.matcher(entry.getKey()).matches()) {
                    throw new InvalidDescriptionException("The component name '" + quote(entry.getKey())
                            + "' in " + section.getKey() + " is not made of A-Z a-z 0-9 . _ -.");
                }
                walk.keywords(entry.getValue());
            }
        }
    }

    private static void checkTags(JsonObject document) throws InvalidDescriptionException {
        if (!document.containsKey("tags")) {
            return;
        }
        if (document.get("tags").getValueType() != JsonValue.ValueType.ARRAY) {
            throw new InvalidDescriptionException("'tags' must be an array.");
        }
        for (JsonValue tag : document.getJsonArray("tags")) {
            if (!(tag instanceof JsonObject object) || !(object.get("name") instanceof JsonString)) {
                throw new InvalidDescriptionException("Every entry of 'tags' must be an object with a 'name'.");
            }
        }
    }

    private static JsonObject object(JsonObject parent, String key, String refusal) throws InvalidDescriptionException {
        JsonValue value = parent.get(key);
        if (value == null) {
            return null;
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new InvalidDescriptionException(refusal);
        }
        return value.asJsonObject();
    }

    static String quote(String text) {
        return text.length() <= QUOTED_CHARS ? text : text.substring(0, QUOTED_CHARS) + "…";
    }

    /** Answers every name unchanged once it is sure the name points at something the merge carries over. */
    private record Checked(JsonObject document) implements Names {

        @Override
        public String ref(String ref) throws InvalidDescriptionException {
            LocalRef local = LocalRef.parse(ref);
            if (local == null) {
                throw new InvalidDescriptionException("The reference '" + quote(ref) + "' is not inside the"
                        + " description: mik serves one document, so every $ref must start with '#/'.");
            }
            List<String> tokens = local.tokens();
            boolean intoComponents = tokens.size() >= 3 && tokens.get(0).equals("components")
                    && OpenApiShape.SECTIONS.contains(tokens.get(1));
            boolean intoPaths = tokens.size() >= 2 && tokens.get(0).equals("paths");
            if (!intoComponents && !intoPaths) {
                throw new InvalidDescriptionException("The reference '" + quote(ref) + "' must point into"
                        + " #/components/<section>/<name> or #/paths/<path>.");
            }
            if (local.resolveIn(document) == null) {
                throw new InvalidDescriptionException("The reference '" + quote(ref) + "' points at nothing.");
            }
            return ref;
        }

        @Override
        public String schema(String name) throws InvalidDescriptionException {
            if (!has("schemas", name)) {
                throw new InvalidDescriptionException("The discriminator maps to '" + quote(name) + "', which is not"
                        + " a schema in components.schemas.");
            }
            return name;
        }

        @Override
        public String securityScheme(String name) throws InvalidDescriptionException {
            if (!has("securitySchemes", name)) {
                throw new InvalidDescriptionException("The security requirement names '" + quote(name) + "', which is"
                        + " not in components.securitySchemes.");
            }
            return name;
        }

        @Override
        public String operationId(String id) {
            return id;
        }

        @Override
        public String tag(String tag) {
            return tag;
        }

        private boolean has(String section, String name) {
            return document.get("components") instanceof JsonObject components
                    && components.get(section) instanceof JsonObject entries && entries.containsKey(name);
        }
    }
}

package dev.mik.openapi;

import dev.mik.json.Jsonp;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.Map;
import java.util.Set;

/**
 * Copies a part of an OpenAPI description (a path item, a component), passing every name that points elsewhere in
 * the document through {@link Names}. It tells an object of keywords (a schema, an operation) from a map whose keys
 * are names (a schema's {@code properties}, an operation's {@code responses}), so a property called {@code $ref} or
 * {@code security} is never taken for the keyword, and it copies literal values (examples, defaults, extensions)
 * untouched.
 */
final class NameWalk {

    /** Keywords whose value maps names (property names, status codes, media types, …) to objects of keywords. */
    private static final Set<String> NAME_MAPS = Set.of("properties", "patternProperties", "$defs", "definitions",
            "dependentSchemas", "responses", "content", "headers", "links", "encoding", "callbacks", "schemas",
            "securitySchemes", "requestBodies", "pathItems", "variables", "parameters", "examples");

    /** Keywords whose value is data, not description: nothing in it is a name. */
    private static final Set<String> LITERALS = Set.of("example", "default", "const", "enum", "value");

    private final Names names;

    NameWalk(Names names) {
        this.names = names;
    }

    /** {@code value} read as an object of keywords (or an array of them). */
    JsonValue keywords(JsonValue value) throws InvalidDescriptionException {
        return switch (value.getValueType()) {
            case OBJECT -> keywordObject(value.asJsonObject());
            case ARRAY -> array(value.asJsonArray());
            default -> value;
        };
    }

    private JsonValue keywordObject(JsonObject object) throws InvalidDescriptionException {
        JsonObjectBuilder copy = Jsonp.objectBuilder();
        for (Map.Entry<String, JsonValue> member : object.entrySet()) {
            copy.add(member.getKey(), member(member.getKey(), member.getValue()));
        }
        return copy.build();
    }

    private JsonValue member(String key, JsonValue value) throws InvalidDescriptionException {
        if (key.startsWith("x-") || LITERALS.contains(key)) {
            return value;
        }
        boolean text = value.getValueType() == JsonValue.ValueType.STRING;
        boolean array = value.getValueType() == JsonValue.ValueType.ARRAY;
        boolean object = value.getValueType() == JsonValue.ValueType.OBJECT;
        return switch (key) {
            case "$ref", "operationRef" -> text ? Jsonp.value(names.ref(string(value))) : keywords(value);
            case "operationId" -> text ? Jsonp.value(names.operationId(string(value))) : keywords(value);
            case "tags" -> array ? tags(value.asJsonArray()) : keywords(value);
            case "security" -> array ? security(value.asJsonArray()) : keywords(value);
            case "discriminator" -> object ? discriminator(value.asJsonObject()) : keywords(value);
            default -> object && NAME_MAPS.contains(key) ? nameMap(value.asJsonObject())
                    : array && key.equals("examples") ? value : keywords(value);
        };
    }

    private JsonValue nameMap(JsonObject map) throws InvalidDescriptionException {
        JsonObjectBuilder copy = Jsonp.objectBuilder();
        for (Map.Entry<String, JsonValue> entry : map.entrySet()) {
            copy.add(entry.getKey(), keywords(entry.getValue()));
        }
        return copy.build();
    }

    private JsonValue array(JsonArray array) throws InvalidDescriptionException {
        JsonArrayBuilder copy = Jsonp.arrayBuilder();
        for (JsonValue element : array) {
            copy.add(keywords(element));
        }
        return copy.build();
    }

    private JsonValue tags(JsonArray tags) {
        JsonArrayBuilder copy = Jsonp.arrayBuilder();
        for (JsonValue tag : tags) {
            copy.add(tag instanceof JsonString name ? Jsonp.value(names.tag(name.getString())) : tag);
        }
        return copy.build();
    }

    /** Security requirements: each key names a security scheme; the values are scopes. */
    JsonValue security(JsonArray requirements) throws InvalidDescriptionException {
        JsonArrayBuilder copy = Jsonp.arrayBuilder();
        for (JsonValue requirement : requirements) {
            if (requirement.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new InvalidDescriptionException("A security requirement must be an object.");
            }
            JsonObjectBuilder renamed = Jsonp.objectBuilder();
            for (Map.Entry<String, JsonValue> scheme : requirement.asJsonObject().entrySet()) {
                renamed.add(names.securityScheme(scheme.getKey()), scheme.getValue());
            }
            copy.add(renamed);
        }
        return copy.build();
    }

    private JsonValue discriminator(JsonObject discriminator) throws InvalidDescriptionException {
        JsonObjectBuilder copy = Jsonp.objectBuilder();
        for (Map.Entry<String, JsonValue> member : discriminator.entrySet()) {
            boolean mapping = member.getKey().equals("mapping") && member.getValue() instanceof JsonObject;
            copy.add(member.getKey(), mapping ? mapping(member.getValue().asJsonObject()) : member.getValue());
        }
        return copy.build();
    }

    /** Each value is a reference or a schema's name. */
    private JsonValue mapping(JsonObject mapping) throws InvalidDescriptionException {
        JsonObjectBuilder renamed = Jsonp.objectBuilder();
        for (Map.Entry<String, JsonValue> entry : mapping.entrySet()) {
            if (!(entry.getValue() instanceof JsonString target)) {
                throw new InvalidDescriptionException("A discriminator mapping value must be a string.");
            }
            String name = target.getString();
            renamed.add(entry.getKey(), name.startsWith("#") ? names.ref(name) : names.schema(name));
        }
        return renamed.build();
    }

    private static String string(JsonValue value) {
        return ((JsonString) value).getString();
    }
}

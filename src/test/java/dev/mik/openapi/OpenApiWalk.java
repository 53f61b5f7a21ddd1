package dev.mik.openapi;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The tests' own reading of a document, written apart from {@link NameWalk} and {@link LocalRef} so the two can be
 * compared: every member with its key, every {@code $ref} outside examples, and references resolved through JSON-P's
 * JSON Pointer after URL-decoding.
 */
final class OpenApiWalk {

    /** Looked up once: {@code Json}'s static methods look the provider up on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private OpenApiWalk() {
    }

    /** Every member of every object under {@code value}, examples left out. */
    static void members(JsonValue value, BiConsumer<String, JsonValue> visit) {
        if (value instanceof JsonObject object) {
            object.forEach((key, member) -> {
                if (!key.equals("example")) {
                    visit.accept(key, member);
                    members(member, visit);
                }
            });
        } else if (value.getValueType() == JsonValue.ValueType.ARRAY) {
            value.asJsonArray().forEach(element -> members(element, visit));
        }
    }

    static List<String> refs(JsonValue document) {
        List<String> refs = new ArrayList<>();
        members(document, (key, value) -> {
            if (key.equals("$ref") && value instanceof JsonString ref) {
                refs.add(ref.getString());
            }
        });
        return refs;
    }

    static boolean resolves(JsonObject document, String ref) {
        if (!ref.startsWith("#")) {
            return false;
        }
        String pointer = URLDecoder.decode(ref.substring(1).replace("+", "%2B"), StandardCharsets.UTF_8);
        try {
            return JSON.createPointer(pointer).containsValue(document);
        } catch (JsonException e) {
            return false;
        }
    }
}

package dev.mik.json;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;

/**
 * Typed JSON through JSON-B (Yasson on both servers), one instance for the application: discovery's listings are
 * records with a fixed shape, so they are bound rather than built field by field, and so are a {@code host.call}'s
 * options. Open-ended documents (problem bodies, pass-through) stay JSON-P. Absent values are written as
 * {@code null}, so every listing has the same keys.
 */
public final class TypedJson {

    private static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig().withNullValues(true));

    private TypedJson() {
    }

    public static String write(Object value) {
        return JSONB.toJson(value);
    }

    /**
     * {@code json} bound to {@code type}; members {@code type} does not name are skipped.
     *
     * @throws JsonbException when {@code json} is not JSON, or not of {@code type}'s shape
     */
    public static <T> T read(String json, Class<T> type) {
        return JSONB.fromJson(json, type);
    }
}

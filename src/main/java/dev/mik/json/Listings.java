package dev.mik.json;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;

/**
 * Typed JSON through JSON-B (Yasson on both servers): discovery's listings are records with a fixed shape, so they
 * are bound rather than built field by field. Open-ended documents (problem bodies, pass-through) stay JSON-P.
 * Absent values are written as {@code null}, so every listing has the same keys.
 */
public final class Listings {

    private static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig().withNullValues(true));

    private Listings() {
    }

    public static String json(Object listing) {
        return JSONB.toJson(listing);
    }
}

package dev.mik.openapi;

import jakarta.json.JsonObject;

/**
 * A module as the merge sees it.
 *
 * @param document its checked description, or null when it has none or an invalid one
 */
record ModuleDocument(String name, DescriptionStatus status, JsonObject document) {
}

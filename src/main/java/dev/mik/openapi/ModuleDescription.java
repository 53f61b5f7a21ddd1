package dev.mik.openapi;

import dev.mik.files.FileStamp;
import jakarta.json.JsonObject;

/**
 * What one version of a module's {@code .openapi.json} turned out to be.
 *
 * @param stamp    the file version it was read from; null when there is no file
 * @param document the checked description, or null when absent or invalid
 * @param served   the description as {@code /_mik/openapi/<module>} answers it, serialized once per version
 * @param problem  why it is invalid, or null
 */
public record ModuleDescription(FileStamp stamp, JsonObject document, String served, String problem) {

    static final ModuleDescription ABSENT = new ModuleDescription(null, null, null, null);

    static ModuleDescription invalid(FileStamp stamp, String problem) {
        return new ModuleDescription(stamp, null, null, problem);
    }

    public DescriptionStatus status() {
        return document != null ? DescriptionStatus.PRESENT
                : problem != null ? DescriptionStatus.INVALID : DescriptionStatus.ABSENT;
    }
}

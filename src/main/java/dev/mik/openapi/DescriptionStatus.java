package dev.mik.openapi;

import java.util.Locale;

/** Whether a module has an OpenAPI description beside its {@code .wasm}, as discovery reports it. */
public enum DescriptionStatus {
    PRESENT, ABSENT, INVALID;

    /** The lower-case word discovery writes: {@code present}, {@code absent}, {@code invalid}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

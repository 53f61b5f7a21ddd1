package dev.mik.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The sandbox's own files beside its classes: its JavaScript and {@code builtins.tsv}. */
final class SandboxResources {

    private SandboxResources() {
    }

    /** The file's whole text; a missing file is a broken build, so it fails the sandbox's construction. */
    static String text(String name) {
        try (InputStream in = SandboxResources.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the sandbox's resource " + name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("the sandbox's resource " + name + " could not be read", e);
        }
    }
}

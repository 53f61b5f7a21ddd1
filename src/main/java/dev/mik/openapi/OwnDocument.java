package dev.mik.openapi;

import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * mik's own endpoints as an OpenAPI document, hand-written in {@code mik.openapi.json} beside this class. It is a
 * resource, not generated: MicroProfile OpenAPI is on Payara but not in WildFly's default {@code standalone.xml}, so
 * the same WAR cannot rely on it, and mik's routes take any method, which annotations would describe poorly. Tests
 * keep it true: every JAX-RS route and every problem code is in it, and it passes the checks a module's does.
 */
final class OwnDocument {

    static final String RESOURCE = "mik.openapi.json";

    private OwnDocument() {
    }

    static JsonObject load() {
        try (InputStream in = OwnDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the WAR lacks " + RESOURCE);
            }
            return DescriptionReader.read(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InvalidDescriptionException e) {
            throw new IllegalStateException(RESOURCE + " is invalid: " + e.getMessage(), e);
        }
    }
}

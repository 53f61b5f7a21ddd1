package dev.mik.observability;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TraceSettingsTest {

    @Test
    void aCollectorsBaseUrlGetsTheOtlpTracesPath() {
        assertEquals(URI.create("http://collector:4318/v1/traces"),
                TraceSettings.of(URI.create("http://collector:4318"), "mik", 1).tracesUrl());
        assertEquals(URI.create("https://collector/v1/traces"),
                TraceSettings.of(URI.create("https://collector/"), "mik", 1).tracesUrl());
    }

    @Test
    void aUrlWithAPathIsUsedAsItIs() {
        assertEquals(URI.create("http://gateway:8080/otlp/v1/traces"),
                TraceSettings.of(URI.create("http://gateway:8080/otlp/v1/traces"), "mik", 1).tracesUrl());
    }
}

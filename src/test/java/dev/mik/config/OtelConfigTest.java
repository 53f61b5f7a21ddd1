package dev.mik.config;

import dev.mik.testing.LogCapture;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code mik.otel.*}: unset is off, a collector URL is taken, anything else is refused with a line naming it. */
class OtelConfigTest {

    private final Map<String, String> set = new HashMap<>();
    private final MikConfig config = MikConfig.of(Map.of());

    @Test
    void unsetMeansNoExportWithTheDocumentedDefaults() {
        assertEquals(Optional.empty(), config.otelEndpoint());
        assertEquals("mik", config.otelServiceName());
        assertEquals(2048, config.otelQueueSize());
    }

    @Test
    void aCollectorUrlIsTaken() {
        for (String endpoint : List.of("http://collector:4318", "https://otel.example.com/",
                "http://10.0.0.7:4318/v1/traces", " http://[::1]:4318 ")) {
            set.put(MikConfig.OTEL_ENDPOINT, endpoint);
            assertEquals(Optional.of(URI.create(endpoint.trim())), fresh().otelEndpoint(), endpoint);
        }
    }

    @Test
    void anythingElseIsRefusedByNameAndTracesStayOff() {
        for (String endpoint : List.of("collector:4318", "ftp://collector", "http://", "http://user:pw@collector:4318",
                "http://collector:4318/?x=1", "http://collector:4318/#f", "http://coll ector", "file:///etc/passwd")) {
            set.put(MikConfig.OTEL_ENDPOINT, endpoint);
            try (LogCapture log = LogCapture.silencing(MikConfig.class)) {
                assertEquals(Optional.empty(), fresh().otelEndpoint(), endpoint);
                assertTrue(log.records().stream().anyMatch(line -> line.getMessage().contains(
                        MikConfig.OTEL_ENDPOINT + "=" + endpoint) && line.getMessage().contains("allowed:")), endpoint);
            }
        }
    }

    /** Settings are read once per refresh; a new instance reads what is set now. */
    /** Settings read anew from {@link #set}, as a MikConfig made outside CDI reads them. */
    private MikConfig fresh() {
        return MikConfig.of(set);
    }
}

package dev.mik.observability;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OwnPluginsTest {

    /**
     * A class loader that also lists a sender it cannot make one of ours (as Payara 7's own OpenTelemetry does, seen
     * through the WAR's parent): the default loader fails the exporter; ours skips it and finds the WAR's sender.
     */
    @Test
    void aServersForeignSenderIsSkippedAndTheWarsOwnIsFound(@TempDir Path dir) throws Exception {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        // a class of the unnamed module that is no sender, as the server's own sender is none of ours
        Files.writeString(services.resolve(HttpSenderProvider.class.getName()), OwnPluginsTest.class.getName() + "\n");
        try (URLClassLoader withForeign = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                OwnPluginsTest.class.getClassLoader())) {
            assertThrows(ServiceConfigurationError.class, () -> names(ComponentLoader.forClassLoader(withForeign)));

            assertEquals(List.of("JdkHttpSenderProvider"), names(new OwnPlugins(withForeign)));
        }
    }

    private static List<String> names(ComponentLoader loader) {
        return StreamSupport.stream(loader.load(HttpSenderProvider.class).spliterator(), false)
                .map(sender -> sender.getClass().getSimpleName()).toList();
    }
}

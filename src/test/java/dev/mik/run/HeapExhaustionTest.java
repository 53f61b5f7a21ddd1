package dev.mik.run;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An OutOfMemoryError inside a handler run is caught at the run's boundary and answered as memory-limit, the memory
 * goes back to the pool and the next run works. A real heap exhaustion, so it happens in a JVM of its own.
 */
class HeapExhaustionTest {

    @Test
    void aRunThatExhaustsTheHeapIsAMemoryLimitAndTheNextRunWorks() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process probe = new ProcessBuilder(List.of(java.toString(), "-Xmx96m", "-cp",
                System.getProperty("java.class.path"), HeapExhaustionProbe.class.getName()))
                .redirectErrorStream(true)
                .start();
        assertTrue(probe.waitFor(120, TimeUnit.SECONDS), "the probe did not finish");
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, probe.exitValue(), output);
        assertTrue(output.contains("hog=MEMORY_LIMIT hello=200 reserved=0"), output);
    }
}

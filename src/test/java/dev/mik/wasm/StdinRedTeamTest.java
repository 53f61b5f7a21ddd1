package dev.mik.wasm;

import dev.mik.memory.MemoryPool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A real guest ({@code stdinmoved.wat}) takes stdin away from descriptor 0 (closes it, renumbers another descriptor
 * onto it or it onto another) and reads descriptor 0 again, through a whole run. What it reads, with the read's errno,
 * is its response: once descriptor 0 is no longer stdin the request body never comes back through it (WASI's
 * {@code EBADF}, 8, as Chicory answers), and while it is, mik's own read serves the body.
 */
class StdinRedTeamTest {

    private static final long CAP = 64L << 20;
    private static final String BODY = "the request body: secret";
    private static final CompiledModule MODULE;

    static {
        try {
            MODULE = ModuleCompiler.compile(Files.readAllBytes(Path.of("src/test/wasm/stdinmoved.wasm")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final MemoryPool pool = new MemoryPool(1L << 30);

    @ParameterizedTest
    @CsvSource({
        "_start, 8",
        "stderr_onto_stdin, 8",
        "stdin_onto_stderr, 8",
        "untouched, 0" + BODY,
        "stdin_onto_itself, 0" + BODY,
    })
    void descriptorZeroServesTheBodyOnlyWhileItIsStdin(String export, String expected) {
        PreparedInstance instance = PreparedInstance.prepare(MODULE, CAP,
                pool.tryReserve(PreparedInstance.initialBytes(MODULE, CAP)));
        try {
            CommandOutput output = instance.run(new CommandInput(Map.of(), List.of("stdinmoved"),
                    BODY.getBytes(StandardCharsets.UTF_8)), export, 1 << 20);
            assertEquals("Content-Type: text/plain\n\n" + expected,
                    new String(output.stdout(), StandardCharsets.UTF_8), export);
        } finally {
            instance.release();
        }
    }
}

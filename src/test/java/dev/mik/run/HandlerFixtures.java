package dev.mik.run;

import dev.mik.files.FileStamp;
import dev.mik.http.ServerInfo;
import dev.mik.memory.MemoryPool;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.wasm.ModuleCompiler;
import dev.mik.watch.Watchdog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

/** Module versions of the test fixtures and requests for them, for unit tests that run handlers without a server. */
final class HandlerFixtures {

    static final Path FIXTURES = Path.of("src/test/wasm");

    /** One deadline watchdog for every runner the tests make, on a daemon scheduler of its own. */
    private static final Watchdog<RunDeadline> DEADLINES = new Watchdog<>("test deadline watchdog",
            Logger.getLogger(HandlerFixtures.class.getName()), Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "test-deadline-watchdog");
                thread.setDaemon(true);
                return thread;
            }), deadline -> deadline.poll(System.nanoTime()));

    private HandlerFixtures() {
    }

    /** A runner as the pool makes it: runs on the calling thread, interrupted at its deadline. */
    static HandlerRunner runner() {
        return new HandlerRunner(DEADLINES);
    }

    /**
     * Handler memory over {@code pool} whose admission does not wait (a full pool is a 503 at once), with a page cache
     * that may keep the whole pool: what runs hold is {@link MemoryPool#inUse()}.
     */
    static HandlerMemory memory(MemoryPool pool) {
        return memory(pool, pool.capacity());
    }

    /** Like {@link #memory(MemoryPool)}, with a page cache that keeps at most {@code pageCacheBytes}. */
    static HandlerMemory memory(MemoryPool pool, long pageCacheBytes) {
        return new HandlerMemory(pool, (bytes, module) -> {
            MemoryPool.Reservation reservation = pool.tryReserve(bytes);
            if (reservation == null) {
                throw ProblemException.retryLater(ProblemType.OVERLOADED, "the test pool is full", 1);
            }
            return reservation;
        }, pageCacheBytes);
    }

    /** {@code src/test/wasm/<fixture>.wasm} as a module version (or {@code handlers/<fixture>.wasm} if not there). */
    static ModuleVersion version(String fixture, HandlerMemory memory) {
        Path file = FIXTURES.resolve(fixture + ".wasm");
        if (!Files.exists(file)) {
            file = Path.of("handlers", fixture + ".wasm");
        }
        try {
            return new ModuleVersion(new ModuleName(fixture), FileStamp.of(file),
                    ModuleCompiler.compile(Files.readAllBytes(file)), WagiRoutes.WHOLE_MODULE, memory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tries each version as the pool does, with a 64 MiB cap and a 10 s limit. */
    static ModuleProbe probe(HandlerMemory memory) {
        return probe(memory, 10_000);
    }

    /** Tries each version as the pool does, with a 64 MiB cap and a limit of {@code timeoutMs}. */
    static ModuleProbe probe(HandlerMemory memory, long timeoutMs) {
        return new ModuleProbe(memory, DEADLINES, () -> timeoutMs, () -> 64L * 1024 * 1024);
    }

    static HandlerRequest get(String module, String query) {
        return new HandlerRequest(new ModuleName(module), "GET", "", "", query, Map.of(), new byte[0],
                "/run/" + module, "http://localhost/run/" + module, new ServerInfo("localhost", 80, "HTTP/1.1",
                "127.0.0.1"), "test-request", "00-00000000000000000000000000000001-0000000000000001-01");
    }
}

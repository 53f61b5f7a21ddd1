package dev.mik.run;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import dev.mik.observability.LogText;
import dev.mik.observability.Span;
import dev.mik.observability.Tracing;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.wasm.CommandInput;
import dev.mik.wasm.CommandOutput;
import dev.mik.wasm.HandlerExitException;
import dev.mik.wasm.HandlerFailureException;
import dev.mik.wasm.MemoryLimitException;
import dev.mik.wasm.OutputLimitException;
import dev.mik.wasm.PreparedInstance;
import dev.mik.watch.Watchdog;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one request on one instance of a module version, on the calling thread under a deadline, and turns every way
 * it can end into a response or a {@link ProblemException}. The deadline is a {@link RunDeadline} polled by the
 * handlers' watchdog, which interrupts an overstaying guest: a run costs no thread hand-off (two per run were most of
 * what a warm {@code /run/hello} spent outside Grizzly and Jersey). The instance (and the memory it holds) is taken and
 * given back inside the run, so it is released on every exit path: success, trap, timeout, interrupt, exception, and
 * the JVM running out of heap, which is answered as {@code memory-limit} while the server goes on.
 */
final class HandlerRunner {

    private static final Logger LOG = Logger.getLogger(HandlerRunner.class.getName());

    /**
     * Problem extension telling whose limit a memory-limit was: the handler's own cap, or the server's pool or heap.
     */
    static final String MEMORY_LIMIT_KIND = "limit";
    static final String OWN_LIMIT = "instance";
    static final String SERVER_SHORT = "server";

    private final Watchdog<RunDeadline> deadlines;
    /** Threads inside guest code right now. */
    private final AtomicInteger guestsRunning = new AtomicInteger();

    HandlerRunner(Watchdog<RunDeadline> deadlines) {
        this.deadlines = deadlines;
    }

    int guestsRunning() {
        return guestsRunning.get();
    }

    HandlerResponse run(ModuleVersion version, HandlerRequest request, long timeoutMs, long memoryMaxBytes,
                        long responseMaxBytes) {
        WagiRoute route = version.route(request);
        var input = WagiEnvironment.of(request, route);
        RunDeadline.Outcome<CommandOutput> outcome = RunDeadline.run(deadlines, timeoutMs,
                () -> runGuest(version, input, route.export(), memoryMaxBytes, responseMaxBytes));
        RuntimeException failed = outcome.failure();
        CommandOutput output = outcome.value();
        if (failed != null) {
            if (outcome.timedOut()) {
                LOG.warning(() -> "Handler " + request.module() + " timed out after " + timeoutMs + " ms [request "
                        + request.requestId() + "]; it was interrupted.");
                throw new ProblemException(ProblemType.TIMEOUT, "Handler '" + request.module()
                        + "' did not finish within " + timeoutMs + " ms.", null, Map.of("timeoutMs", timeoutMs));
            }
            throw failure(request, failed);
        }
        // a run that finished just as its time ran out has its answer: it stands
        logStderr(request, output.stderr());
        try {
            return CgiResponseParser.parse(output.stdout());
        } catch (InvalidHandlerOutputException e) {
            throw new ProblemException(ProblemType.INVALID_OUTPUT, "Handler '" + request.module()
                    + "' wrote an invalid CGI response: " + e.getMessage());
        }
    }

    private CommandOutput runGuest(ModuleVersion version, CommandInput input, String export, long memoryMaxBytes,
                                long responseMaxBytes) {
        guestsRunning.incrementAndGet();
        try {
            return runOnce(version, input, export, memoryMaxBytes, responseMaxBytes);
        } catch (OutOfMemoryError heapExhausted) {
            // runOnce's frame is gone, so the instance and its memory can already be collected
            LOG.warning(() -> "Handler " + version.name() + " met the JVM's heap limit; its run was stopped.");
            throw new MemoryLimitException(PreparedInstance.HEAP_EXHAUSTED, new byte[0], true);
        } finally {
            guestsRunning.decrementAndGet();
        }
    }

    private static CommandOutput runOnce(ModuleVersion version, CommandInput input, String export, long memoryMaxBytes,
                                      long responseMaxBytes) {
        PreparedInstance instance;
        try (Span instantiate = Tracing.spans().nested("handler.instantiate")) {
            instance = version.take(memoryMaxBytes);
        }
        boolean heapShort = false;
        try (Span run = Tracing.spans().nested("handler.run")) {
            return instance.run(input, export, responseMaxBytes);
        } catch (OutOfMemoryError e) {
            heapShort = true;
            throw e;
        } catch (MemoryLimitException e) {
            heapShort = e.serverShort();
            throw e;
        } finally {
            if (heapShort) {
                instance.discard(); // kept for the next runs, its pages would keep the heap as full as it was
            } else {
                instance.release();
            }
        }
    }

    private static ProblemException failure(HandlerRequest request, Throwable cause) {
        String module = request.module().value();
        if (cause instanceof ProblemException refused) {
            return refused; // the memory pool stayed full
        }
        if (cause instanceof HandlerFailureException failure) {
            logStderr(request, failure.stderr());
            LOG.info(() -> "Handler " + module + " failed [request " + request.requestId() + "]: "
                    + failure.getMessage());
        }
        if (cause instanceof MemoryLimitException e) {
            return new ProblemException(ProblemType.MEMORY_LIMIT, "Handler '" + module + "' ran out of memory: "
                    + e.getMessage() + ".", null,
                    Map.of(MEMORY_LIMIT_KIND, e.serverShort() ? SERVER_SHORT : OWN_LIMIT));
        }
        if (cause instanceof OutputLimitException e) {
            return new ProblemException(ProblemType.RESPONSE_TOO_LARGE, "Handler '" + module + "': "
                    + e.getMessage() + " (mik.response.max-bytes).");
        }
        if (cause instanceof HandlerExitException e) {
            return new ProblemException(ProblemType.HANDLER_ERROR, "Handler '" + module + "' exited with status "
                    + e.exitCode() + ".", null, Map.of("exitCode", e.exitCode()));
        }
        if (cause instanceof HandlerFailureException e) {
            return new ProblemException(ProblemType.HANDLER_ERROR, "Handler '" + module + "' failed: "
                    + e.getMessage());
        }
        if (cause instanceof ChicoryInterruptedException) {
            return new ProblemException(ProblemType.TIMEOUT, "Handler '" + module + "' was interrupted.");
        }
        LOG.log(Level.SEVERE, "Handler " + module + " failed unexpectedly [request " + request.requestId() + "]",
                cause);
        return new ProblemException(ProblemType.HANDLER_ERROR, "Handler '" + module
                + "' failed unexpectedly; the server log has the details under this request id.");
    }

    private static void logStderr(HandlerRequest request, byte[] stderr) {
        if (stderr.length > 0) {
            // escaped so a handler cannot write log lines that look like the server's own
            String text = LogText.escape(new String(stderr, StandardCharsets.UTF_8).stripTrailing());
            LOG.info(() -> "Handler " + request.module() + " stderr [request " + request.requestId() + "]: " + text);
        }
    }
}

package dev.mik.run;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import dev.mik.config.MikConfig;
import dev.mik.observability.LogText;
import dev.mik.observability.Metrics;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.wasm.HandlerExitException;
import dev.mik.wasm.HandlerFailureException;
import dev.mik.wasm.MemoryLimitException;
import dev.mik.wasm.OutputLimitException;
import dev.mik.wasm.WagiOutput;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs handler modules. Owns the compiled-module cache ({@link ModuleCatalog}), a few instances per hot module made
 * ahead of requests ({@link ModuleVersion}), the concurrency limits and the per-module circuit breakers. Every run
 * happens on the server's {@link ManagedExecutorService} under the configured timeout; a run that overstays is
 * interrupted, which Chicory honours, so its thread goes back to the pool.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class HandlerPool {

    private static final Logger LOG = Logger.getLogger(HandlerPool.class.getName());

    /** How often deleted modules are looked for. */
    static final long SWEEP_SECONDS = 30;

    private final ModuleCatalog catalog = new ModuleCatalog();
    private final ConcurrencyGate gate = new ConcurrencyGate();
    /** Executor threads inside guest code right now; a timed-out run leaves this count when its thread is freed. */
    private final AtomicInteger guestsRunning = new AtomicInteger();

    @Resource
    ManagedExecutorService executor;

    @Inject
    MikConfig config;

    @Inject
    Metrics metrics;

    @Inject
    dev.mik.memory.HeapPressure pressure;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> sweeper;

    @PostConstruct
    void start() {
        metrics.gauge("mik_handlers_in_flight", gate::inFlight);
        metrics.gauge("mik_handler_threads_busy", guestsRunning::get);
        metrics.gauge("mik_modules_loaded", catalog::size);
        sweeper = scheduler.scheduleWithFixedDelay(this::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        sweeper.cancel(false);
    }

    /** Releases deleted modules (their compilation, ready instances, breaker and counters) without a request. */
    private void sweep() {
        try {
            for (String removed : catalog.sweep(config.handlersDir())) {
                gate.forget(removed);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not check the handlers directory for removed modules", e);
        }
    }

    /**
     * Runs {@code request} and returns the handler's response.
     *
     * @throws ProblemException for every way a run can fail, each with its own {@link ProblemType}
     */
    public HandlerResponse execute(HandlerRequest request) {
        return execute(request, Long.MAX_VALUE);
    }

    /**
     * Like {@link #execute(HandlerRequest)}, but the run ends at {@code maxTimeoutMs} if that comes before
     * {@code mik.handler.timeout-ms}: a script's {@code host.call} never outlives the script's own deadline.
     */
    public HandlerResponse execute(HandlerRequest request, long maxTimeoutMs) {
        ModuleVersion version = catalog.resolve(config.handlersDir(), request.module(), config.moduleMaxBytes());
        pressure.admit("Handler '" + request.module() + "'");
        int threshold = config.breakerFailureThreshold();
        CircuitBreaker breaker = version.breaker();
        if (!breaker.tryAcquire(threshold)) {
            throw ProblemException.retryLater(ProblemType.CIRCUIT_OPEN, "Module '" + request.module()
                    + "' failed " + threshold + " times in a row; calls resume after a pause.",
                    breaker.retryAfterSeconds());
        }
        ConcurrencyGate.Permit permit;
        try {
            permit = gate.enter(request.module().value(), config.concurrencyMax(), config.concurrencyPerModule());
        } catch (ProblemException refused) {
            breaker.release();
            throw refused;
        }
        long started = System.nanoTime();
        int status = ProblemType.INTERNAL.status();
        long handlerTimeoutMs = config.handlerTimeoutMs();
        boolean callerDeadline = maxTimeoutMs < handlerTimeoutMs;
        try (permit) {
            HandlerResponse response = run(version, request, Math.min(maxTimeoutMs, handlerTimeoutMs));
            breaker.recordSuccess();
            status = response.status();
            return response;
        } catch (ProblemException failure) {
            status = failure.type().status();
            if (isTheHandlersFault(failure.type(), callerDeadline)) {
                breaker.recordFailure(threshold, config.breakerOpenMs());
            } else {
                breaker.release();
            }
            throw failure;
        } catch (RuntimeException | Error unexpected) {
            breaker.release();
            throw unexpected;
        } finally {
            metrics.record(Metrics.Kind.HANDLER, request.module().value(), status, System.nanoTime() - started);
        }
    }

    /**
     * Only failures of the handler itself count towards opening its circuit: not a refusal by the executor, and not a
     * timeout that came from a caller's shorter deadline (a script running out of time).
     */
    private static boolean isTheHandlersFault(ProblemType type, boolean callerDeadline) {
        if (type == ProblemType.OVERLOADED || type == ProblemType.TIMEOUT && callerDeadline) {
            return false;
        }
        return type.status() >= 500;
    }

    private HandlerResponse run(ModuleVersion version, HandlerRequest request, long timeoutMs) {
        long memoryMax = config.handlerMemoryMaxBytes();
        long responseMax = config.responseMaxBytes();
        var input = WagiEnvironment.of(request);
        Future<WagiOutput> run;
        try {
            run = executor.submit(() -> {
                guestsRunning.incrementAndGet();
                try {
                    return version.take(memoryMax).run(input, responseMax);
                } finally {
                    guestsRunning.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            throw ProblemException.retryLater(ProblemType.OVERLOADED, "The server's executor refused the run.",
                    ConcurrencyGate.RETRY_AFTER_SECONDS);
        }
        try {
            WagiOutput output = run.get(timeoutMs, TimeUnit.MILLISECONDS);
            logStderr(request, output.stderr());
            return CgiResponseParser.parse(output.stdout());
        } catch (TimeoutException e) {
            run.cancel(true);
            LOG.warning(() -> "Handler " + request.module() + " timed out after " + timeoutMs + " ms [request "
                    + request.requestId() + "]; its thread was interrupted.");
            throw new ProblemException(ProblemType.TIMEOUT, "Handler '" + request.module() + "' did not finish within "
                    + timeoutMs + " ms.", null, Map.of("timeoutMs", timeoutMs));
        } catch (InterruptedException e) {
            // the container gave up on this request; the flag is not restored, or the thread's next request would fail
            run.cancel(true);
            throw new ProblemException(ProblemType.TIMEOUT, "The request was interrupted while its handler ran.");
        } catch (ExecutionException e) {
            throw failure(request, e.getCause());
        } catch (CancellationException e) {
            throw new ProblemException(ProblemType.TIMEOUT, "The handler run was cancelled.");
        } catch (InvalidHandlerOutputException e) {
            throw new ProblemException(ProblemType.INVALID_OUTPUT, "Handler '" + request.module()
                    + "' wrote an invalid CGI response: " + e.getMessage());
        } finally {
            refillLater(version);
        }
    }

    private ProblemException failure(HandlerRequest request, Throwable cause) {
        String module = request.module().value();
        if (cause instanceof HandlerFailureException failure) {
            logStderr(request, failure.stderr());
            LOG.info(() -> "Handler " + module + " failed [request " + request.requestId() + "]: " + failure.getMessage());
        }
        if (cause instanceof MemoryLimitException e) {
            return new ProblemException(ProblemType.MEMORY_LIMIT, "Handler '" + module + "' ran out of memory: "
                    + e.getMessage() + " (mik.handler.memory-max-bytes).");
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
        LOG.log(Level.SEVERE, "Handler " + module + " failed unexpectedly [request " + request.requestId() + "]", cause);
        return new ProblemException(ProblemType.HANDLER_ERROR, "Handler '" + module
                + "' failed unexpectedly; the server log has the details under this request id.");
    }

    /** Tops up the module's ready instances on the executor, off the request path. */
    private void refillLater(ModuleVersion version) {
        int target = config.poolInstancesPerModule();
        if (target == 0) {
            return;
        }
        long memoryMax = config.handlerMemoryMaxBytes();
        try {
            executor.execute(() -> version.refill(target, memoryMax));
        } catch (RejectedExecutionException busy) {
            // the next request makes its own instance
        }
    }

    private static void logStderr(HandlerRequest request, byte[] stderr) {
        if (stderr.length > 0) {
            // escaped so a handler cannot write log lines that look like the server's own
            String text = LogText.escape(new String(stderr, StandardCharsets.UTF_8).stripTrailing());
            LOG.info(() -> "Handler " + request.module() + " stderr [request " + request.requestId() + "]: " + text);
        }
    }
}

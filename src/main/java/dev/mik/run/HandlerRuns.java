package dev.mik.run;

import dev.mik.config.MikConfig;
import dev.mik.memory.Admission;
import dev.mik.observability.Metrics;
import dev.mik.observability.Span;
import dev.mik.observability.TraceContext;
import dev.mik.observability.Tracing;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;

import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs handlers for requests and rehearsals: finds the module's current version, applies the heap check, the circuit
 * breaker and the concurrency limits, runs it ({@link HandlerRunner}), counts it, and tops up its ready instances.
 * {@link HandlerPool} makes one at start-up and owns everything it uses.
 */
public final class HandlerRuns {

    private final MikConfig config;
    private final ModuleCatalog catalog;
    private final HandlerMemory memory;
    private final HandlerRunner runner;
    private final ConcurrencyGate gate;
    private final Admission pressure;
    private final Metrics metrics;
    private final Executor prepareThreads;

    HandlerRuns(MikConfig config, ModuleCatalog catalog, HandlerMemory memory, HandlerRunner runner,
                ConcurrencyGate gate, Admission pressure, Metrics metrics, Executor prepareThreads) {
        this.config = config;
        this.catalog = catalog;
        this.memory = memory;
        this.runner = runner;
        this.gate = gate;
        this.pressure = pressure;
        this.metrics = metrics;
        this.prepareThreads = prepareThreads;
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
        try (Span span = Tracing.spans().childOf("handler", request.traceparent())
                .attribute("mik.module", request.module().value())) {
            return execute(request, maxTimeoutMs, span);
        }
    }

    private HandlerResponse execute(HandlerRequest request, long maxTimeoutMs, Span span) {
        long memoryMax = config.handlerMemoryMaxBytes();
        ModuleVersion version;
        try (Span compile = Tracing.spans().nested("handler.compile")) {
            version = catalog.resolve(config.handlersDir(), request.module(), config.moduleMaxBytes(), memoryMax);
        }
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
            HandlerResponse response = run(version, request, Math.min(maxTimeoutMs, handlerTimeoutMs), memoryMax);
            breaker.recordSuccess();
            status = response.status();
            return response;
        } catch (ProblemException failure) {
            status = failure.type().status();
            metrics.failed(Metrics.Kind.HANDLER, request.module().value(), failure.type().code(), failure.detail());
            if (isTheHandlersFault(failure, callerDeadline)) {
                breaker.recordFailure(threshold, config.breakerOpenMs());
            } else {
                breaker.release();
            }
            throw failure;
        } catch (RuntimeException | Error unexpected) {
            breaker.release();
            throw unexpected;
        } finally {
            span.status(status);
            metrics.record(Metrics.Kind.HANDLER, request.module().value(), status, System.nanoTime() - started);
        }
    }

    /**
     * Runs a compiled module once on a made-up request ({@code GET /run/<module>}, no body, request id
     * {@value HandlerPool#REHEARSAL_ID}) and forgets the answer: the warm-up's rehearsal, so a module's first real
     * request does not pay for loading its classes and running its code for the first time. A handler has no effect
     * outside its own run, so nobody can tell it happened, except from its stderr in the log.
     */
    public void rehearse(String module) {
        ModuleName name = new ModuleName(module);
        HandlerRequest request = new HandlerRequest(name, "GET", "", "", "", Map.of(), new byte[0],
                name.mountedUnder(""), name.url("http://localhost/", "", ""), HandlerPool.REHEARSAL_SERVER,
                HandlerPool.REHEARSAL_ID, TraceContext.continueOrStart(null).traceparent());
        try {
            rehearse(request, HandlerPool.REHEARSAL_TIMEOUT_MS);
        } catch (ProblemException expected) {
            // a made-up request may well be refused by the handler or fail: only having run matters
        }
    }

    /**
     * Runs {@code request} as {@link #execute(HandlerRequest, long)} would, within the same memory bounds, but for
     * a rehearsal: not counted in metrics, the circuit breaker or the concurrency limits, and never longer than
     * {@value HandlerPool#REHEARSAL_TIMEOUT_MS} ms.
     */
    public HandlerResponse rehearse(HandlerRequest request, long maxTimeoutMs) {
        long memoryMax = config.handlerMemoryMaxBytes();
        ModuleVersion version = catalog.resolve(config.handlersDir(), request.module(), config.moduleMaxBytes(),
                memoryMax);
        long timeoutMs = Math.min(Math.min(maxTimeoutMs, config.handlerTimeoutMs()), HandlerPool.REHEARSAL_TIMEOUT_MS);
        return run(version, request, timeoutMs, memoryMax);
    }

    /**
     * Only failures of the handler itself ({@link ProblemType.Fault#HANDLER}) count towards opening its circuit: not a
     * refusal by mik, not a growth the memory pool refused because other runs held the memory, and not a timeout that
     * came from a caller's shorter deadline (a script running out of time).
     */
    private static boolean isTheHandlersFault(ProblemException failure, boolean callerDeadline) {
        ProblemType type = failure.type();
        if (type == ProblemType.TIMEOUT && callerDeadline) {
            return false;
        }
        if (type == ProblemType.MEMORY_LIMIT
                && HandlerRunner.SERVER_SHORT.equals(failure.extensions().get(HandlerRunner.MEMORY_LIMIT_KIND))) {
            return false;
        }
        return type.fault() == ProblemType.Fault.HANDLER;
    }

    private HandlerResponse run(ModuleVersion version, HandlerRequest request, long timeoutMs, long memoryMax) {
        try {
            return runner.run(version, request, timeoutMs, memoryMax, config.responseMaxBytes());
        } finally {
            refillLater(version, memoryMax);
        }
    }

    /** Tops up the module's ready instances on another thread, if they are worth making ahead. */
    void refillLater(ModuleVersion version, long memoryMax) {
        int target = config.poolInstancesPerModule();
        if (target == 0 || !version.preparedAhead()) {
            return;
        }
        long readyMax = memory.pool().capacity() / 100 * config.poolReadyMaxPercent();
        try {
            prepareThreads.execute(() -> version.refill(target, memoryMax, readyMax));
        } catch (RejectedExecutionException busy) {
            // the next request makes its own instance
        }
    }
}

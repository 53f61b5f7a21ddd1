package dev.mik.script;

import dev.mik.config.MikConfig;
import dev.mik.memory.HeapPressure;
import dev.mik.memory.MemoryBudget;
import dev.mik.memory.MemoryPool;
import dev.mik.observability.LogText;
import dev.mik.observability.Metrics;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemResponses;
import dev.mik.problem.ProblemType;
import dev.mik.run.ConcurrencyLimit;
import dev.mik.run.HandlerCalls;
import dev.mik.run.HandlerPool;
import dev.mik.sandbox.AbortReason;
import dev.mik.sandbox.AllocationAccount;
import dev.mik.sandbox.CompiledScript;
import dev.mik.sandbox.ScriptAbortedException;
import dev.mik.sandbox.ScriptConsole;
import dev.mik.sandbox.ScriptFailure;
import dev.mik.sandbox.ScriptInputException;
import dev.mik.sandbox.ScriptLimits;
import dev.mik.sandbox.ScriptResult;
import dev.mik.sandbox.ScriptSandbox;

import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The script control, plain Java and constructor-wired ({@link ScriptExecutor} is the container bean around it): runs
 * a compiled script on one request in the {@link ScriptSandbox}, with the request's input measured and held from the
 * memory pool, the run's limits from {@link MikConfig} (deadline, allocation, calls), at most
 * {@code mik.script.concurrency.max} runs at once, and turns how it ended into the answer or the problem.
 */
final class ScriptRuns {

    private static final Logger LOG = Logger.getLogger(ScriptRuns.class.getName());

    /** Reserved beside the input before a script starts; the run then grows it in steps as it allocates. */
    static final long FIRST_RESERVATION = 1L << 20;

    private final MikConfig config;
    private final ScriptSandbox sandbox;
    private final ScriptRepository repository;
    private final MemoryBudget memory;
    private final HeapPressure pressure;
    private final Metrics metrics;
    private final ProblemResponses problems;
    private final ConcurrencyLimit running = new ConcurrencyLimit();

    ScriptRuns(MikConfig config, ScriptSandbox sandbox, ScriptRepository repository, MemoryBudget memory,
            HeapPressure pressure, Metrics metrics, ProblemResponses problems) {
        this.config = config;
        this.sandbox = sandbox;
        this.repository = repository;
        this.memory = memory;
        this.pressure = pressure;
        this.metrics = metrics;
        this.problems = problems;
    }

    /** Scripts running now. */
    int inFlight() {
        return running.inFlight();
    }

    /**
     * Runs the script on {@code request}, its {@code host.call}s going to {@code handlers}: its answer, or a
     * {@code host.call}'s problem the script passed through as it was ({@link HostCallBridge.Failed}); every other
     * failure is thrown as a {@link ProblemException}. Counted in the metrics, held to the script concurrency limit,
     * refused under heap pressure.
     */
    HostCallBridge.Outcome run(ScriptRequest request, HandlerCalls handlers) {
        CompiledScript script = repository.resolve(config.scriptsDir(), request.name(), config.scriptMaxSourceBytes());
        String what = "Script '" + request.name().value() + "'";
        pressure.admit(what);
        int max = config.scriptConcurrencyMax();
        if (!running.tryEnter(max)) {
            metrics.refused("scripts");
            throw new ProblemException(ProblemType.OVERLOADED, "The server is running " + max
                    + " scripts already (mik.script.concurrency.max).", ConcurrencyLimit.RETRY_AFTER_SECONDS,
                    Map.of("reason", "scripts"));
        }
        long started = System.nanoTime();
        int status = ProblemType.INTERNAL.status();
        try {
            String name = request.name().value();
            ScriptConsole console = (level, message) -> log(name, request.origin().requestId(), level, message);
            HostCallBridge.Outcome answer = execute(script, request, what, handlers, config.scriptTimeoutMs(),
                    console);
            status = answer.status();
            return answer;
        } catch (ProblemException problem) {
            status = problem.type().status();
            metrics.failed(Metrics.Kind.SCRIPT, request.name().value(), problem.type().code(), problem.detail());
            throw problem;
        } finally {
            running.leave();
            metrics.record(Metrics.Kind.SCRIPT, request.name().value(), status, System.nanoTime() - started);
        }
    }

    /**
     * Runs {@code request} as a rehearsal: as {@link #run} would, but counted nowhere, logging nothing, and never
     * longer than {@value HandlerPool#REHEARSAL_TIMEOUT_MS} ms; {@code handlers} rehearse its {@code host.call}s.
     */
    HostCallBridge.Outcome rehearse(ScriptRequest request, HandlerCalls handlers) {
        CompiledScript script = repository.resolve(config.scriptsDir(), request.name(), config.scriptMaxSourceBytes());
        return execute(script, request, "Script '" + request.name().value() + "' (rehearsal)", handlers,
                Math.min(config.scriptTimeoutMs(), HandlerPool.REHEARSAL_TIMEOUT_MS), (level, message) -> { });
    }

    /**
     * Measures the input, holds its heap from the memory pool for the run, and runs the script; an
     * {@code OutOfMemoryError} ends at this boundary as a 500 {@code script-limit}, for requests and rehearsals alike.
     *
     * @param what     the run as the pool's refusal names it, e.g. {@code Script 'checkout'}
     * @param handlers where its {@code host.call}s go
     */
    private HostCallBridge.Outcome execute(CompiledScript script, ScriptRequest request, String what,
            HandlerCalls handlers, long timeoutMs, ScriptConsole console) {
        try {
            // measured in Java before the sandbox builds it; its heap is held from the pool until the run ends
            ScriptInput input = ScriptInput.of(request.body(), config.scriptInputMaxNodes());
            try (MemoryPool.Reservation held = memory.admit(input.estimatedHeapBytes() + FIRST_RESERVATION,
                    what + " with its input")) {
                return runInSandbox(script, request, input.text(), held, handlers, timeoutMs, console);
            }
        } catch (OutOfMemoryError e) {
            // the run's own allocations are gone with its frames; answer for it and keep serving
            throw outOfMemory(request.name().value());
        }
    }

    /** @param reservation the run's bytes from the memory pool, grown as the script allocates */
    private HostCallBridge.Outcome runInSandbox(CompiledScript script, ScriptRequest request, String inputText,
            MemoryPool.Reservation reservation, HandlerCalls handlers, long timeoutMs, ScriptConsole console) {
        ScriptLimits limits = new ScriptLimits(timeoutMs, config.scriptMemoryMaxBytes(), config.scriptMaxCalls());
        HostCallBridge bridge = new HostCallBridge(handlers, problems, request.origin());
        String name = request.name().value();
        ScriptResult result;
        try {
            long base = reservation.held();
            AllocationAccount account = bytes -> reservation.held() >= base + bytes || reservation.resize(base + bytes);
            result = sandbox.run(script, inputText, request.json(), bridge, console, limits, account);
        } catch (ScriptInputException e) {
            throw new ProblemException(ProblemType.INVALID_INPUT, "The request body is not valid JSON: "
                    + e.getMessage());
        } catch (ScriptFailure e) {
            throw new ProblemException(ProblemType.SCRIPT_ERROR, "Script '" + name + "' failed at line " + e.getLine()
                    + ": " + e.getDetail(), null, Map.of("script", name, "line", e.getLine()));
        } catch (ScriptAbortedException e) {
            throw aborted(name, e, limits);
        }
        if (result.isPassthrough()) {
            return bridge.outcome(result.passthroughCall());
        }
        if (result.isEditedCall()) {
            return new HostCallBridge.Answered(ScriptResponses.editedCall(name, result.json()));
        }
        return new HostCallBridge.Answered(ScriptResponses.value(name, result.json()));
    }

    private ProblemException aborted(String name, ScriptAbortedException e, ScriptLimits limits) {
        String reason = e.getReason().name();
        if (e.getReason() == AbortReason.MEMORY) {
            return new ProblemException(ProblemType.OVERLOADED, "Script '" + name + "' was stopped: the server's memory"
                    + " pool (" + memory.pool().capacity() + " bytes, " + MikConfig.MEMORY_POOL_PERCENT
                    + ") could not cover what it allocates while other runs hold the rest.", 1,
                    Map.of("script", name, "limit", reason, "reason", "memory"));
        }
        if (e.getReason() == AbortReason.TIMEOUT) {
            return new ProblemException(ProblemType.TIMEOUT, "Script '" + name + "' did not finish within "
                    + limits.timeoutMs() + " ms (mik.script.timeout-ms).", null,
                    Map.of("script", name, "limit", reason, "timeoutMs", limits.timeoutMs()));
        }
        String detail = switch (e.getReason()) {
            case MAX_CALLS -> "made more than " + limits.maxCalls() + " host.call calls (mik.script.max-calls)";
            case ALLOCATION -> "allocated more than " + limits.maxAllocatedBytes()
                    + " bytes (mik.script.memory-max-bytes)";
            case STACK -> "recursed too deeply (call stack exhausted)";
            case CPU -> "used more CPU time than allowed";
            case MEMORY -> "could not be given more memory";
            case TIMEOUT -> "timed out";
        };
        return new ProblemException(ProblemType.SCRIPT_LIMIT, "Script '" + name + "' " + detail + ".", null,
                Map.of("script", name, "limit", reason));
    }

    private static ProblemException outOfMemory(String name) {
        LOG.warning(() -> "Script " + name + " ran the heap out of memory; the run was ended at its boundary.");
        return new ProblemException(ProblemType.SCRIPT_LIMIT, "Script '" + name + "' needed more memory than the "
                + "server had free.", null, Map.of("script", name, "limit", AbortReason.ALLOCATION.name()));
    }

    private static void log(String script, String requestId, String level, String message) {
        String text = LogText.escape(message);
        Level julLevel = switch (level) {
            case "warn" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            default -> Level.INFO;
        };
        LOG.log(julLevel, () -> "Script " + script + " [request " + requestId + "]: " + text);
    }
}

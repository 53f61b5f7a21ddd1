package dev.mik.script;

import dev.mik.config.MikConfig;
import dev.mik.files.FileDigests;
import dev.mik.files.FileStamp;
import dev.mik.files.NamedFiles;
import dev.mik.lifecycle.MikScheduler;
import dev.mik.memory.HeapPressure;
import dev.mik.memory.MemoryBudget;
import dev.mik.memory.MemoryPool;
import dev.mik.observability.LogText;
import dev.mik.observability.Metrics;
import dev.mik.observability.TraceContext;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemResponses;
import dev.mik.problem.ProblemType;
import dev.mik.run.BoundedExecutor;
import dev.mik.run.ConcurrencyLimit;
import dev.mik.run.HandlerCalls;
import dev.mik.run.HandlerPool;
import dev.mik.run.HandlerRequest;
import dev.mik.run.HandlerRuns;
import dev.mik.run.ModuleName;
import dev.mik.run.RunResource;
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
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs workflow scripts: finds and compiles {@code <mik.scripts.dir>/<name>.js} ({@link ScriptRepository}), runs it
 * in the one hardened Nashorn global of {@link ScriptSandbox} with this request's input, limits and
 * {@code host.call} bridge, and turns what it returned into the HTTP response.
 */
@ApplicationScoped
public class ScriptExecutor {

    private static final Logger LOG = Logger.getLogger(ScriptExecutor.class.getName());

    @Inject
    MikConfig config;

    @Inject
    HandlerPool pool;

    @Inject
    ProblemResponses problems;

    @Inject
    Metrics metrics;

    @Inject
    MemoryBudget memory;

    @Inject
    HeapPressure pressure;

    /** mik's own scheduler: a cancelled task of the server's stayed queued, holding mik after an undeploy. */
    @Inject
    MikScheduler scheduling;

    @Resource
    ManagedExecutorService executor;

    /** Reserved beside the input before a script starts; the run then grows it in steps as it allocates. */
    static final long FIRST_RESERVATION = 1L << 20;

    private ScriptSandbox sandbox;
    private ScriptRepository repository;
    private final ConcurrencyLimit running = new ConcurrencyLimit();
    private final FileDigests digests = new FileDigests();
    /** Where {@code host.call}s run, asked of the pool once: a direct call, not an EJB call per handler run. */
    private volatile HandlerRuns handlerRuns;

    @PostConstruct
    void start() {
        sandbox = new ScriptSandbox(scheduling.executor());
        repository = new ScriptRepository(sandbox, new BoundedExecutor(executor, 1), this::moduleExists);
        metrics.gauge("mik_scripts_in_flight", running::inFlight);
        metrics.dropSeriesUnless(Metrics.Kind.SCRIPT,
                script -> ModuleName.isDeployedIn(config.scriptsDir(), script, ".js"));
        pressure.addShedder(this::shedHeaviestScripts);
    }

    /** Builds the sandbox when the application starts (about a second), not on the first script request. */
    void startWithTheApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        // observing the event is enough: it makes the container create this bean, which runs start()
    }

    private HandlerRuns handlerRuns() {
        HandlerRuns runs = handlerRuns;
        if (runs == null) {
            runs = pool.runs();
            handlerRuns = runs;
        }
        return runs;
    }

    @PreDestroy
    void stop() {
        sandbox.close();
    }

    /**
     * Stops the {@code count} running scripts that allocated the most, answered 503 {@code overloaded}; used when
     * the heap is under pressure. Returns how many were stopped.
     */
    public int shedHeaviestScripts(int count) {
        return sandbox.shedHeaviest(count);
    }

    /** Every script in the scripts directory, as discovery shows it; empty when the directory cannot be read. */
    public List<ScriptListing> listing() {
        List<ScriptListing> listed = new ArrayList<>();
        Path dir = config.scriptsDir();
        List<Path> files = new ArrayList<>();
        for (String name : NamedFiles.inOrNone(dir, ".js")) {
            if (!ModuleName.isValid(name)) {
                continue;
            }
            ScriptName scriptName = new ScriptName(name);
            Path file = dir.resolve(scriptName.fileName());
            FileStamp stamp = FileStamp.of(file);
            if (stamp == null) {
                continue; // removed since the listing
            }
            files.add(file);
            ScriptRepository.Status status = repository.status(scriptName);
            Metrics.Summary runs = metrics.summary(Metrics.Kind.SCRIPT, name);
            List<ScriptListing.Target> targets = status == null ? List.of() : status.hostCallTargets().stream()
                    .map(module -> new ScriptListing.Target(module, moduleExists(module))).toList();
            listed.add(new ScriptListing(name, stamp.size(), digests.sha256(file, stamp), stamp.modified().toString(),
                    status != null && status.compiled(), status == null ? null : status.compileError(), targets,
                    runs.requests(), runs.p50AtMostMs(), runs.p99AtMostMs(), runs.lastError()));
        }
        digests.retainOnly(files);
        return listed;
    }

    private boolean moduleExists(String module) {
        return ModuleName.isDeployedIn(config.handlersDir(), module, ".wasm");
    }

    /**
     * Compiles every script in the scripts directory now, one after another, and answers their names; a script that
     * does not compile is remembered for its requests to report.
     */
    public List<String> warm() {
        List<String> warmed = new ArrayList<>();
        Path dir = config.scriptsDir();
        if (!Files.isDirectory(dir)) {
            return warmed;
        }
        try {
            for (String name : NamedFiles.in(dir, ".js")) {
                if (ModuleName.isValid(name)) {
                    repository.warm(dir, new ScriptName(name), config.scriptMaxSourceBytes());
                    warmed.add(name);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not list the scripts directory " + dir + " to compile its scripts ahead", e);
        }
        return warmed;
    }

    /** Whether script {@code name} is compiled and serves its current file. */
    public boolean isCompiled(String name) {
        return ModuleName.isValid(name) && repository.isCompiled(new ScriptName(name));
    }

    public Response run(ScriptRequest request) {
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
            Response response = execute(script, request, what,
                    (call, maxTimeoutMs) -> handlerRuns().execute(call, maxTimeoutMs),
                    config.scriptTimeoutMs(), console);
            status = response.getStatus();
            return response;
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
     * Runs a compiled script once on a made-up request ({@code POST /} with input {@code {}}, request id
     * {@value HandlerPool#REHEARSAL_ID}) and forgets the answer: the warm-up's rehearsal, so the script's first real
     * request does not pay for linking its call sites and the sandbox's first run. Its {@code host.call}s are
     * rehearsals too ({@link HandlerRuns#rehearse(HandlerRequest, long)}); nothing is counted or logged, and it
     * never runs longer than {@value HandlerPool#REHEARSAL_TIMEOUT_MS} ms. A script can only compute and call
     * handlers, which have no effect outside their run, so nobody can tell it happened.
     */
    public void rehearse(String name) {
        ScriptName scriptName = new ScriptName(name);
        HostCallBridge.Origin origin = new HostCallBridge.Origin("", "http://localhost/", HandlerPool.REHEARSAL_SERVER,
                HandlerPool.REHEARSAL_ID, TraceContext.unrecorded());
        ScriptRequest request = new ScriptRequest(scriptName, "POST", "/", Map.of(), Map.of(),
                "{}".getBytes(StandardCharsets.UTF_8), origin);
        try {
            rehearse(request);
        } catch (ProblemException expected) {
            // a made-up input may well make the script fail: only having run matters
        }
    }

    /**
     * Runs {@code request} as a rehearsal, and answers it: as {@link #run} would, but counted nowhere, logging nothing,
     * its {@code host.call}s rehearsals too, and never longer than {@value HandlerPool#REHEARSAL_TIMEOUT_MS} ms.
     */
    public Response rehearse(ScriptRequest request) {
        CompiledScript script = repository.resolve(config.scriptsDir(), request.name(), config.scriptMaxSourceBytes());
        return execute(script, request, "Script '" + request.name().value() + "' (rehearsal)",
                (call, maxTimeoutMs) -> handlerRuns().rehearse(call, maxTimeoutMs),
                Math.min(config.scriptTimeoutMs(), HandlerPool.REHEARSAL_TIMEOUT_MS), (level, message) -> { });
    }

    /**
     * Measures the input, holds its heap from the memory pool for the run, and runs the script; an
     * {@code OutOfMemoryError} ends at this boundary as a 500 {@code script-limit}, for requests and rehearsals alike.
     *
     * @param what     the run as the pool's refusal names it, e.g. {@code Script 'checkout'}
     * @param handlers where its {@code host.call}s go
     */
    private Response execute(CompiledScript script, ScriptRequest request, String what, HandlerCalls handlers,
            long timeoutMs, ScriptConsole console) {
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
    private Response runInSandbox(CompiledScript script, ScriptRequest request, String inputText,
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
            return passthrough(bridge.outcome(result.passthroughCall()));
        }
        if (result.isEditedCall()) {
            return RunResource.toHttp(ScriptResponses.editedCall(name, result.json()));
        }
        return RunResource.toHttp(ScriptResponses.value(name, result.json()));
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

    private Response passthrough(HostCallBridge.Outcome outcome) {
        if (outcome instanceof HostCallBridge.Failed failed) {
            return problems.render(failed.problem());
        }
        return RunResource.toHttp(((HostCallBridge.Answered) outcome).response());
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

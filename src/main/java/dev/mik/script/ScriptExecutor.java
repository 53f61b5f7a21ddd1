package dev.mik.script;

import dev.mik.config.MikConfig;
import dev.mik.files.FileDigests;
import dev.mik.files.FileStamp;
import dev.mik.files.NamedFiles;
import dev.mik.lifecycle.MikScheduler;
import dev.mik.memory.HeapPressure;
import dev.mik.memory.MemoryBudget;
import dev.mik.observability.Metrics;
import dev.mik.observability.TraceContext;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemResponses;
import dev.mik.run.BoundedExecutor;
import dev.mik.run.HandlerPool;
import dev.mik.run.HandlerRequest;
import dev.mik.run.HandlerRuns;
import dev.mik.run.ModuleName;
import dev.mik.sandbox.ScriptSandbox;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The script feature's container bean: builds the one {@link ScriptSandbox} and the script catalog
 * ({@link ScriptRepository}: {@code <mik.scripts.dir>/<name>.js}, compiled once per file version) when the application
 * starts, lists and warms the scripts, and hands each run to {@link ScriptRuns}, the plain control, with its
 * {@code host.call}s going to the {@link HandlerPool}'s runs. The JAX-RS resource sends what a run answers.
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

    private ScriptSandbox sandbox;
    private ScriptRepository repository;
    /** The script runs themselves: plain Java, wired here. */
    ScriptRuns scriptRuns;
    private final FileDigests digests = new FileDigests();
    /** Where {@code host.call}s run, asked of the pool once: a direct call, not an EJB call per handler run. */
    private volatile HandlerRuns handlerRuns;

    @PostConstruct
    void start() {
        sandbox = new ScriptSandbox(scheduling.executor());
        repository = new ScriptRepository(sandbox, new BoundedExecutor(executor, 1), this::moduleExists);
        scriptRuns = new ScriptRuns(config, sandbox, repository, memory, pressure, metrics, problems);
        metrics.gauge("mik_scripts_in_flight", scriptRuns::inFlight);
        scheduling.executor().scheduleWithFixedDelay(() -> repository.sweep(config.scriptsDir()),
                HandlerPool.SWEEP_SECONDS, HandlerPool.SWEEP_SECONDS, TimeUnit.SECONDS);
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

    /**
     * Runs the script on {@code request}: its answer, or a {@code host.call}'s problem the script passed through as
     * it was ({@link HostCallBridge.Failed}); every other failure is thrown as a {@link ProblemException}.
     */
    public HostCallBridge.Outcome run(ScriptRequest request) {
        return scriptRuns.run(request, (call, maxTimeoutMs) -> handlerRuns().execute(call, maxTimeoutMs));
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
    public HostCallBridge.Outcome rehearse(ScriptRequest request) {
        return scriptRuns.rehearse(request, (call, maxTimeoutMs) -> handlerRuns().rehearse(call, maxTimeoutMs));
    }
}

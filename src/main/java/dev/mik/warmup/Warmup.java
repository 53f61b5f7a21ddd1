package dev.mik.warmup;

import dev.mik.config.MikConfig;
import dev.mik.observability.Metrics;
import dev.mik.observability.RequestCorrelation;
import dev.mik.run.HandlerPool;
import dev.mik.run.RunResource;
import dev.mik.script.ScriptExecutor;
import dev.mik.script.ScriptResource;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Compiles every module and script when the application starts, so no request waits for a compiler: modules in
 * parallel in the background ({@link HandlerPool#warm}), scripts one after another. Then runs each one
 * {@code mik.warmup.rehearsals} times on a made-up request and forgets the answers ({@link HandlerPool#rehearse},
 * {@link ScriptExecutor#rehearse}), so first requests do not pay for first runs. Readiness stays DOWN until all that
 * is done, or until {@code mik.warmup.max-ms} has passed, after which it is UP and the log names the stragglers
 * (they serve on the interpreter meanwhile, or simply unrehearsed).
 *
 * <p>The last step needs to know where the server listens, which only a request tells: once the first readiness probe
 * has come, every route is requested once over loopback ({@link HttpRehearsal}), and readiness turns UP after that.
 */
@ApplicationScoped
public class Warmup {

    private static final Logger LOG = Logger.getLogger(Warmup.class.getName());

    @Inject
    MikConfig config;

    @Inject
    HandlerPool handlers;

    @Inject
    ScriptExecutor scripts;

    @Inject
    Metrics metrics;

    @Inject
    RequestCorrelation correlation;

    /** The JAX-RS resources, made before the first request instead of by it (with their CDI and EJB references). */
    @Inject
    RunResource runResource;

    @Inject
    ScriptResource scriptResource;

    @Resource
    ManagedExecutorService executor;

    /** What the HTTP rehearsal is called among the pending steps. */
    static final String HTTP_ROUTES = "the HTTP routes (rehearsed once a readiness probe has told where the server"
            + " listens)";

    private final Set<String> pending = new TreeSet<>();
    private List<String> modulesWarmed = List.of();
    private List<String> scriptsWarmed = List.of();
    private boolean rehearsedInProcess;
    private URI origin;
    private boolean httpStarted;
    private long startedNanos;
    private boolean listed;
    private boolean overdueReported;

    @PostConstruct
    void start() {
        synchronized (this) {
            startedNanos = System.nanoTime();
        }
        metrics.gauge("mik_warmup_pending", this::pendingCount);
        try {
            executor.execute(this::warm);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.WARNING, "Could not start compiling modules and scripts ahead; the first requests compile",
                    e);
            synchronized (this) {
                listed = true;
            }
        }
    }

    /** Starts with the application, not on the first health check. */
    void startWithTheApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        // observing the event is enough: it makes the container create this bean, which runs start()
    }

    private void warm() {
        long started = System.nanoTime();
        // where mik reads from is for the operator's log, not for the unauthenticated health answer
        LOG.info(() -> "Handlers are read from " + config.handlersDir().toAbsolutePath() + " ("
                + MikConfig.HANDLERS_DIR + "), scripts from " + config.scriptsDir().toAbsolutePath() + " ("
                + MikConfig.SCRIPTS_DIR + ").");
        long rehearsals = config.warmupRehearsals();
        Map<String, CompletableFuture<Void>> modules = handlers.warm();
        synchronized (this) {
            modules.keySet().forEach(name -> pending.add("module " + name));
            if (rehearsals > 0) {
                pending.add(HTTP_ROUTES);
            }
        }
        List<CompletableFuture<Void>> rehearsed = new ArrayList<>();
        modules.forEach((name, compiled) -> rehearsed.add(compiled.handleAsync((done, failure) -> {
            repeat(rehearsals, () -> handlers.rehearse(name));
            finished("module " + name);
            return null;
        }, executor)));
        List<String> compiledScripts;
        try {
            compiledScripts = scripts.warm();
            synchronized (this) {
                compiledScripts.forEach(name -> pending.add("script " + name));
            }
        } finally {
            synchronized (this) {
                listed = true;
            }
        }
        // the resources are made now, not by the first request (toString reaches the instance behind the proxy)
        runResource.toString();
        scriptResource.toString();
        // scripts call modules: they rehearse once every module has
        CompletableFuture.allOf(rehearsed.toArray(CompletableFuture[]::new)).handleAsync((done, failure) -> {
            for (String name : compiledScripts) {
                repeat(rehearsals, () -> scripts.rehearse(name));
                finished("script " + name);
            }
            LOG.info(() -> "Compiled " + modules.size() + " modules and " + compiledScripts.size() + " scripts ahead "
                    + "of requests, and ran each " + rehearsals + " time(s) on a made-up request ("
                    + MikConfig.WARMUP_REHEARSALS + "), in " + (System.nanoTime() - started) / 1_000_000 + " ms.");
            synchronized (this) {
                modulesWarmed = List.copyOf(modules.keySet());
                scriptsWarmed = List.copyOf(compiledScripts);
                rehearsedInProcess = rehearsals > 0;
            }
            rehearseOverHttp();
            return null;
        }, executor);
    }

    /**
     * Tells the warm-up where the server listens, as a readiness probe reached it: the application's root, ending in
     * {@code /}. The first one counts.
     */
    public void probedAt(URI root) {
        synchronized (this) {
            if (origin != null) {
                return;
            }
            origin = root;
        }
        rehearseOverHttp();
    }

    /** Starts the HTTP rehearsal once both the in-process rehearsals are done and a probe has told where to send it. */
    private void rehearseOverHttp() {
        URI root;
        List<String> modules;
        List<String> scriptNames;
        synchronized (this) {
            if (!rehearsedInProcess || origin == null || httpStarted) {
                return;
            }
            httpStarted = true;
            root = origin;
            modules = modulesWarmed;
            scriptNames = scriptsWarmed;
        }
        try {
            executor.execute(() -> {
                long started = System.nanoTime();
                try {
                    int answered = HttpRehearsal.run(root, correlation.rehearsalSecret(), modules, scriptNames,
                            executor);
                    LOG.info(() -> "Rehearsed " + answered + " requests to the routes of " + modules.size()
                            + " modules and " + scriptNames.size() + " scripts over HTTP at " + root + " in "
                            + (System.nanoTime() - started) / 1_000_000 + " ms.");
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Could not rehearse the routes over HTTP at " + root
                            + "; their first requests pay for their first pass", e);
                } finally {
                    finished(HTTP_ROUTES);
                }
            });
        } catch (RejectedExecutionException e) {
            finished(HTTP_ROUTES);
        }
    }

    /** A rehearsal that fails in an unexpected way is logged and otherwise ignored: it never blocks readiness. */
    private static void repeat(long times, Runnable rehearsal) {
        try {
            for (long i = 0; i < times; i++) {
                rehearsal.run();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "A warm-up rehearsal failed", e);
        }
    }

    private synchronized void finished(String what) {
        pending.remove(what);
    }

    private synchronized int pendingCount() {
        return listed ? pending.size() : pending.size() + 1;
    }

    /** Null once everything is compiled or the warm-up's time is up; otherwise why the server is not ready yet. */
    public String reason() {
        String stragglers;
        synchronized (this) {
            if (listed && pending.isEmpty()) {
                return null;
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
            long maxMs = config.warmupMaxMs();
            stragglers = listed ? String.join(", ", pending) : "the modules and scripts not listed yet";
            if (elapsedMs < maxMs) {
                return "compiling and rehearsing modules and scripts ahead of requests (" + elapsedMs + " of at most "
                        + maxMs + " ms, " + MikConfig.WARMUP_MAX_MS + "): " + stragglers;
            }
            if (overdueReported) {
                return null;
            }
            overdueReported = true;
        }
        LOG.warning(() -> "Ready before compiling finished (" + MikConfig.WARMUP_MAX_MS + "=" + config.warmupMaxMs()
                + "); still compiling, served meanwhile by the interpreter or the previous version: " + stragglers);
        return null;
    }
}

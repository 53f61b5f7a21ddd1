package dev.mik.warmup;

import dev.mik.config.MikConfig;
import dev.mik.observability.Metrics;
import dev.mik.run.HandlerPool;
import dev.mik.script.ScriptExecutor;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

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
 * parallel in the background ({@link HandlerPool#warm}), scripts one after another. Readiness stays DOWN until all
 * are compiled, or until {@code mik.warmup.max-ms} has passed, after which it is UP and the log names the ones still
 * compiling (they serve on the interpreter meanwhile).
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

    @Resource
    ManagedExecutorService executor;

    private final Set<String> pending = new TreeSet<>();
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
            LOG.log(Level.WARNING, "Could not start compiling modules and scripts ahead; the first requests compile", e);
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
        Map<String, CompletableFuture<Void>> modules = handlers.warm();
        synchronized (this) {
            modules.keySet().forEach(name -> pending.add("module " + name));
        }
        modules.forEach((name, compiled) -> compiled.whenComplete((done, failure) -> finished("module " + name)));
        List<String> compiledScripts;
        try {
            compiledScripts = scripts.warm();
        } finally {
            synchronized (this) {
                listed = true;
            }
        }
        CompletableFuture.allOf(modules.values().toArray(CompletableFuture[]::new)).whenComplete((done, failure) ->
                LOG.info(() -> "Compiled " + modules.size() + " modules and " + compiledScripts.size()
                        + " scripts ahead of requests in " + (System.nanoTime() - started) / 1_000_000 + " ms."));
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
                return "compiling modules and scripts ahead of requests (" + elapsedMs + " of at most " + maxMs
                        + " ms, " + MikConfig.WARMUP_MAX_MS + "): " + stragglers;
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

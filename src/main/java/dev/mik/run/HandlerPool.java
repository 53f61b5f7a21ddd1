package dev.mik.run;

import dev.mik.config.MikConfig;
import dev.mik.files.FileDigests;
import dev.mik.files.FileStamp;
import dev.mik.files.NamedFiles;
import dev.mik.http.ServerInfo;
import dev.mik.lifecycle.MikScheduler;
import dev.mik.lifecycle.MikThreads;
import dev.mik.lifecycle.SharedJvmState;
import dev.mik.memory.HeapPressure;
import dev.mik.memory.MemoryBudget;
import dev.mik.observability.Metrics;
import dev.mik.observability.RequestCorrelation;
import dev.mik.wasm.CodeCache;
import dev.mik.watch.Watchdog;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs handler modules. Owns the compiled-module cache ({@link ModuleCatalog}), instances made ahead of requests for
 * modules slow to instantiate ({@link ModuleVersion}), the concurrency limits and the per-module circuit breakers.
 * Every run happens on the calling thread under the configured timeout ({@link HandlerRunner}); a run that overstays
 * is interrupted by the deadline watchdog, which Chicory honours. Every instance, ready or running, reserves what it
 * holds from the server's memory pool ({@link HandlerMemory}).
 *
 * <p>Its transactions are bean-managed, that is none: mik uses no transaction, and with container-managed ones the
 * start-up and undeploy callbacks still ran in one, which Payara kept (with this bean, and so this deployment's
 * classes) after the undeploy (a heap dump after redeploys showed one per deployment).
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class HandlerPool {

    private static final Logger LOG = Logger.getLogger(HandlerPool.class.getName());

    /** How often deleted modules, and deleted scripts ({@code ScriptExecutor}), are looked for. */
    public static final long SWEEP_SECONDS = 30;
    /** How long an idle thread that makes instances ahead waits for the next before it ends. */
    static final long PREPARE_THREAD_IDLE_SECONDS = 60;
    /** How often modules are checked for ready instances idle longer than {@code mik.pool.idle-release-ms}. */
    static final long IDLE_CHECK_SECONDS = 1;
    /** What the threads that make instances ahead are called, before their number. */
    public static final String PREPARE_THREAD_PREFIX = "mik-prepare-instances-";
    /** The longest a warm-up rehearsal runs: enough for a first run, not for a hostile handler's whole timeout. */
    public static final long REHEARSAL_TIMEOUT_MS = 1_000;
    /** The request id of a warm-up rehearsal, as the log shows it. */
    public static final String REHEARSAL_ID = RequestCorrelation.REHEARSAL_REQUEST_ID;
    /** Where a warm-up rehearsal says it was received. */
    public static final ServerInfo REHEARSAL_SERVER = new ServerInfo("localhost", 80, "HTTP/1.1", "127.0.0.1");

    private final ConcurrencyGate gate = new ConcurrencyGate();
    private HandlerMemory memory;
    private ModuleCatalog catalog;
    private HandlerRunner runner;
    private HandlerRuns runs;
    private BoundedExecutor compiler;

    @Resource
    ManagedExecutorService executor;

    private ExecutorService prepareThreads;
    /** How long an undeploy waits for a thread that is making an instance ahead. */
    static final long PREPARE_STOP_WAIT_SECONDS = 10;
    private final FileDigests digests = new FileDigests();
    private Watchdog<RunDeadline> deadlines;

    @Inject
    MikConfig config;

    /** This deployment's CDI container, whose request contexts are released from server threads at undeploy. */
    @Inject
    BeanManager beanManager;

    @Inject
    Metrics metrics;

    @Inject
    MemoryBudget memoryBudget;

    @Inject
    HeapPressure pressure;

    /** mik's own scheduler: a cancelled task of the server's stayed queued, holding mik after an undeploy. */
    @Inject
    MikScheduler scheduling;

    private ScheduledFuture<?> sweeper;
    private ScheduledFuture<?> idleReleaser;

    @PostConstruct
    void start() {
        SharedJvmState.startSharedThreadsWithoutThisApplication(); // before the first compile's completeOnTimeout
        SharedJvmState.prepareRelease();
        SharedJvmState.prepareCdiRelease(beanManager);
        memory = new HandlerMemory(memoryBudget.pool(),
                (bytes, module) -> memoryBudget.admit(bytes, "Handler '" + module + "'"),
                memoryBudget.pool().capacity() / 100 * config.poolPageCachePercent());
        // kept pages are the first thing to let go of when the heap is under pressure; no run is stopped for them
        pressure.addShedder(runs -> {
            memory.pages().clear();
            return 0;
        });
        compiler = new BoundedExecutor(executor, Math.max(1, Runtime.getRuntime().availableProcessors()));
        deadlines = new Watchdog<>("Handler deadline watchdog", LOG, scheduling.executor(),
                deadline -> deadline.poll(System.nanoTime()));
        catalog = new ModuleCatalog(memory, compiler, config::moduleCompileTimeoutMs,
                version -> runs.refillLater(version, config.handlerMemoryMaxBytes()), codeCache(),
                new ModuleProbe(memory, deadlines, config::handlerTimeoutMs, config::handlerMemoryMaxBytes));
        // A task submitted to the managed executor has the container's context captured, which Payara 6 does with a
        // ServiceLoader scan of the class path on every submit: JFR put half of a warm /run/hello's CPU there. Making
        // an instance needs no container context, so mik's own threads do it (MikThreads: named, so a redeploy test and
        // an operator's thread dump tell them from the server's); they only make instances ahead for modules slow to
        // instantiate, so the pool only reuses idle threads.
        prepareThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, PREPARE_THREAD_IDLE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), MikThreads.named(PREPARE_THREAD_PREFIX));
        runner = new HandlerRunner(deadlines);
        runs = new HandlerRuns(config, catalog, memory, runner, gate, pressure, metrics, prepareThreads);
        metrics.dropSeriesUnless(Metrics.Kind.HANDLER,
                module -> ModuleName.isDeployedIn(config.handlersDir(), module, ".wasm"));
        metrics.gauge("mik_handlers_in_flight", gate::inFlight);
        metrics.gauge("mik_handler_threads_busy", runner::guestsRunning);
        metrics.gauge("mik_modules_loaded", catalog::size);
        metrics.longGauge("mik_handler_ready_bytes", memory::readyBytes);
        metrics.longGauge("mik_handler_page_cache_bytes", memory.pages()::bytes);
        metrics.counter("mik_handler_pages_reused_total", memory.pages()::reused);
        ScheduledExecutorService scheduler = scheduling.executor();
        sweeper = scheduler.scheduleWithFixedDelay(this::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
        idleReleaser = scheduler.scheduleWithFixedDelay(this::releaseIdle, IDLE_CHECK_SECONDS, IDLE_CHECK_SECONDS,
                TimeUnit.SECONDS);
    }

    /** Runs after {@link dev.mik.lifecycle.Drain} has let the runs in flight finish. */
    @PreDestroy
    void stop() {
        deadlines.close();
        sweeper.cancel(false);
        idleReleaser.cancel(false);
        // a thread still making an instance finishes it first: undeploy waits, so no thread of mik outlives it
        MikThreads.stop(prepareThreads, PREPARE_STOP_WAIT_SECONDS, "A thread making handler instances ahead was still"
                + " busy", LOG);
        SharedJvmState.releaseThreadContexts(); // again: a server thread may have started since the drain
        // the servlet container has stopped this deployment by now: a request that ended after the drain found its
        // listeners gone (WildFly) and left its CDI contexts associated with the worker thread that served it
        SharedJvmState.releaseCdiContexts(beanManager);
        LOG.info("Released the handler pool: its threads, deadline watchdog and scheduled sweeps.");
    }

    /** The compiled-code cache under {@code mik.cache.dir}, or none when it is off or its directory cannot be made. */
    private CodeCache codeCache() {
        long maxBytes = config.cacheMaxBytes();
        if (maxBytes == 0) {
            return null;
        }
        Path dir = config.cacheDir();
        try {
            CodeCache cache = new CodeCache(dir, maxBytes);
            LOG.info(() -> "Compiled modules are kept in " + cache.dir() + " (at most " + maxBytes + " bytes, "
                    + MikConfig.CACHE_DIR + ", " + MikConfig.CACHE_MAX_BYTES + ").");
            return cache;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "No compiled-code cache: cannot use " + dir + " (" + MikConfig.CACHE_DIR
                    + "); modules are compiled at every start", e);
            return null;
        }
    }

    /** Gives back the memory of ready instances that no request wanted for {@code mik.pool.idle-release-ms}. */
    private void releaseIdle() {
        try {
            List<String> released = catalog.releaseIdle(config.poolIdleReleaseMs());
            if (memory.pages().releaseIfIdle(config.poolIdleReleaseMs())) {
                LOG.fine("Released the handler page cache: no run used it for mik.pool.idle-release-ms.");
            }
            if (!released.isEmpty()) {
                LOG.fine(() -> "Released the ready instances of idle modules " + released + ".");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not release the ready instances of idle modules", e);
        }
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
     * Loads every module in the handlers directory ahead of requests and answers each one's name with a future that
     * completes when its compiled version serves (or its load failed, which a request will report).
     */
    public Map<String, CompletableFuture<Void>> warm() {
        Map<String, CompletableFuture<Void>> warming = new TreeMap<>();
        Path dir = config.handlersDir();
        try {
            for (String name : NamedFiles.in(dir, ".wasm")) {
                if (ModuleName.isValid(name)) {
                    warming.put(name, catalog.warm(dir, new ModuleName(name), config.moduleMaxBytes()));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not list the handlers directory " + dir + " to compile its modules ahead", e);
        }
        return warming;
    }

    /** Every module in the handlers directory, as discovery shows it; empty when the directory cannot be read. */
    public List<HandlerListing> listing() {
        List<HandlerListing> listed = new ArrayList<>();
        Path dir = config.handlersDir();
        List<Path> files = new ArrayList<>();
        for (String name : NamedFiles.inOrNone(dir, ".wasm")) {
            HandlerListing one = ModuleName.isValid(name) ? describe(dir, new ModuleName(name)) : null;
            if (one != null) {
                listed.add(one);
                files.add(dir.resolve(new ModuleName(name).fileName()));
            }
        }
        digests.retainOnly(files);
        return listed;
    }

    /** Module {@code name} as discovery shows it, or null when there is no such file. */
    public HandlerListing listing(String name) {
        return ModuleName.isValid(name) ? describe(config.handlersDir(), new ModuleName(name)) : null;
    }

    private HandlerListing describe(Path dir, ModuleName name) {
        Path file = dir.resolve(name.fileName());
        FileStamp stamp = FileStamp.of(file);
        if (stamp == null) {
            return null;
        }
        ModuleCatalog.Status status = catalog.status(name);
        String breaker = status.version() == null ? CircuitBreaker.State.CLOSED.name()
                : status.version().breaker().state(config.breakerFailureThreshold()).name();
        Metrics.Summary runs = metrics.summary(Metrics.Kind.HANDLER, name.value());
        return new HandlerListing(name.value(), stamp.size(), digests.sha256(file, stamp), stamp.modified().toString(),
                status.compiled(), status.loadError(),
                status.version() == null ? null : status.version().routes().declared(), breaker,
                runs.requests(), runs.p50AtMostMs(), runs.p99AtMostMs(), runs.lastError());
    }

    /** Whether module {@code name} runs compiled code (not the interpreter, nor a previous version). */
    public boolean isCompiled(String name) {
        return ModuleName.isValid(name) && catalog.isCompiled(new ModuleName(name));
    }

    /**
     * What runs handlers, as a plain object: JAX-RS resources and scripts call it directly, because the EJB container's
     * interceptors on every call were a twentieth of a warm {@code /run/hello} (JFR) and give it nothing it uses (no
     * transaction, no security, bean-managed concurrency).
     */
    public HandlerRuns runs() {
        return runs;
    }

    /** Runs {@code request}; see {@link HandlerRuns#execute(HandlerRequest)}. */
    public HandlerResponse execute(HandlerRequest request) {
        return runs.execute(request);
    }

    /** Rehearses module {@code module}; see {@link HandlerRuns#rehearse(String)}. */
    public void rehearse(String module) {
        runs.rehearse(module);
    }
}

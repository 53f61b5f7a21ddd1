package dev.mik.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.nio.file.Path;

/**
 * The one place that reads mik's settings. Every value is a MicroProfile Config property with a default, read when it
 * is used, so a value changed from the admin console applies to the next request without a redeploy (Payara caches
 * config values for up to a minute).
 */
@ApplicationScoped
public class MikConfig {

    public static final String HANDLERS_DIR = "mik.handlers.dir";
    public static final String SCRIPTS_DIR = "mik.scripts.dir";
    public static final String HANDLER_TIMEOUT_MS = "mik.handler.timeout-ms";
    public static final String HANDLER_MEMORY_MAX_BYTES = "mik.handler.memory-max-bytes";
    public static final String REQUEST_MAX_BYTES = "mik.request.max-bytes";
    public static final String RESPONSE_MAX_BYTES = "mik.response.max-bytes";
    public static final String CONCURRENCY_MAX = "mik.concurrency.max";
    public static final String CONCURRENCY_PER_MODULE = "mik.concurrency.per-module";
    public static final String POOL_INSTANCES_PER_MODULE = "mik.pool.instances-per-module";
    public static final String BREAKER_FAILURE_THRESHOLD = "mik.breaker.failure-threshold";
    public static final String BREAKER_OPEN_MS = "mik.breaker.open-ms";
    public static final String MODULE_MAX_BYTES = "mik.module.max-bytes";
    public static final String MODULE_COMPILE_TIMEOUT_MS = "mik.module.compile-timeout-ms";
    public static final String WARMUP_MAX_MS = "mik.warmup.max-ms";
    public static final String WARMUP_REHEARSALS = "mik.warmup.rehearsals";
    public static final String CACHE_DIR = "mik.cache.dir";
    public static final String CACHE_MAX_BYTES = "mik.cache.max-bytes";
    public static final String SCRIPT_TIMEOUT_MS = "mik.script.timeout-ms";
    public static final String SCRIPT_MAX_CALLS = "mik.script.max-calls";
    public static final String SCRIPT_MEMORY_MAX_BYTES = "mik.script.memory-max-bytes";
    public static final String SCRIPT_CONCURRENCY_MAX = "mik.script.concurrency.max";
    public static final String SCRIPT_MAX_SOURCE_BYTES = "mik.script.max-source-bytes";
    public static final String MEMORY_POOL_PERCENT = "mik.memory.pool-percent";
    public static final String MEMORY_WAIT_MS = "mik.memory.wait-ms";
    public static final String POOL_READY_MAX_PERCENT = "mik.pool.ready-max-percent";
    public static final String POOL_IDLE_RELEASE_MS = "mik.pool.idle-release-ms";
    public static final String POOL_PAGE_CACHE_PERCENT = "mik.pool.page-cache-percent";
    public static final String SCRIPT_INPUT_MAX_NODES = "mik.script.input.max-nodes";
    public static final String MEMORY_HIGH_WATER_PERCENT = "mik.memory.high-water-percent";
    public static final String REQUEST_READ_TIMEOUT_MS = "mik.request.read-timeout-ms";

    private static final long MIB = 1024 * 1024;

    @Inject
    Config config;

    public Path handlersDir() {
        return Path.of(string(HANDLERS_DIR, "handlers"));
    }

    /**
     * Where compiled modules are kept across restarts: {@code mik.cache.dir}, else inside the server's own data or
     * work directory (WildFly's {@code jboss.server.data.dir}, Payara's instance root), else the system's temporary
     * directory.
     */
    public Path cacheDir() {
        String configured = string(CACHE_DIR, "");
        if (!configured.isBlank()) {
            return Path.of(configured);
        }
        String wildfly = System.getProperty("jboss.server.data.dir");
        if (wildfly != null) {
            return Path.of(wildfly, "mik", "code-cache");
        }
        String payara = System.getProperty("com.sun.aas.instanceRoot");
        if (payara != null) {
            return Path.of(payara, "generated", "mik", "code-cache");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "mik-code-cache");
    }

    /** The most the compiled-code cache may hold on disk; 0 turns it off. */
    public long cacheMaxBytes() {
        return atLeastZero(CACHE_MAX_BYTES, 256 * MIB);
    }

    public Path scriptsDir() {
        return Path.of(string(SCRIPTS_DIR, "scripts"));
    }

    public long handlerTimeoutMs() {
        return positive(HANDLER_TIMEOUT_MS, 30_000);
    }

    public long handlerMemoryMaxBytes() {
        return positive(HANDLER_MEMORY_MAX_BYTES, 64 * MIB);
    }

    public long requestMaxBytes() {
        return positive(REQUEST_MAX_BYTES, 10 * MIB);
    }

    public long responseMaxBytes() {
        return positive(RESPONSE_MAX_BYTES, 10 * MIB);
    }

    public int concurrencyMax() {
        return (int) positive(CONCURRENCY_MAX, 64);
    }

    public int concurrencyPerModule() {
        return (int) positive(CONCURRENCY_PER_MODULE, 16);
    }

    public int poolInstancesPerModule() {
        return (int) atLeastZero(POOL_INSTANCES_PER_MODULE, 2);
    }

    public int breakerFailureThreshold() {
        return (int) positive(BREAKER_FAILURE_THRESHOLD, 5);
    }

    public long breakerOpenMs() {
        return positive(BREAKER_OPEN_MS, 30_000);
    }

    /** How long compiling one module to JVM bytecode may take before the module is refused. */
    public long moduleCompileTimeoutMs() {
        return positive(MODULE_COMPILE_TIMEOUT_MS, 60_000);
    }

    /** How long readiness waits at start-up for every module and script to be compiled. */
    public long warmupMaxMs() {
        return positive(WARMUP_MAX_MS, 120_000);
    }

    /** How many times each module and script is run on a made-up request at start-up, before readiness. */
    public long warmupRehearsals() {
        return atLeastZero(WARMUP_REHEARSALS, 1);
    }

    public long moduleMaxBytes() {
        return positive(MODULE_MAX_BYTES, 50 * MIB);
    }

    public long scriptTimeoutMs() {
        return positive(SCRIPT_TIMEOUT_MS, 10_000);
    }

    public int scriptMaxCalls() {
        return (int) positive(SCRIPT_MAX_CALLS, 50);
    }

    public long scriptMemoryMaxBytes() {
        return positive(SCRIPT_MEMORY_MAX_BYTES, 128 * MIB);
    }

    public int scriptConcurrencyMax() {
        return (int) positive(SCRIPT_CONCURRENCY_MAX, 32);
    }

    public long scriptMaxSourceBytes() {
        return positive(SCRIPT_MAX_SOURCE_BYTES, MIB);
    }

    /** Share of the JVM's maximum heap that running handlers and scripts may hold together; read at start-up. */
    public int memoryPoolPercent() {
        long value = positive(MEMORY_POOL_PERCENT, 30);
        if (value > 90) {
            throw new InvalidConfigException(MEMORY_POOL_PERCENT, value, "must be at most 90 (the server needs heap too)");
        }
        return (int) value;
    }

    /** How long a run may wait for memory other runs are giving back before it is refused. */
    public long memoryWaitMs() {
        return atLeastZero(MEMORY_WAIT_MS, 100);
    }

    /** Share of the memory pool that handler instances waiting for requests may hold together. */
    public int poolReadyMaxPercent() {
        long value = atLeastZero(POOL_READY_MAX_PERCENT, 25);
        if (value > 100) {
            throw new InvalidConfigException(POOL_READY_MAX_PERCENT, value, "must be at most 100 (a share of the pool)");
        }
        return (int) value;
    }

    /**
     * Share of the memory pool that freed linear-memory pages may be kept in for the next runs; they stay reserved
     * and any run the pool is short for gets them first.
     */
    public int poolPageCachePercent() {
        long value = atLeastZero(POOL_PAGE_CACHE_PERCENT, 100);
        if (value > 100) {
            throw new InvalidConfigException(POOL_PAGE_CACHE_PERCENT, value,
                    "must be at most 100 (a share of the pool)");
        }
        return (int) value;
    }

    /** How long a module's ready instances wait for a request before their memory is given back. */
    public long poolIdleReleaseMs() {
        return positive(POOL_IDLE_RELEASE_MS, 60_000);
    }

    /** Values (objects, arrays, strings, numbers, literals) a script's input may hold. */
    public long scriptInputMaxNodes() {
        return positive(SCRIPT_INPUT_MAX_NODES, 100_000);
    }

    /** Heap in use after a garbage collection, as a share of the maximum, above which new runs are refused. */
    public int memoryHighWaterPercent() {
        long value = positive(MEMORY_HIGH_WATER_PERCENT, 85);
        if (value > 99) {
            throw new InvalidConfigException(MEMORY_HIGH_WATER_PERCENT, value, "must be at most 99");
        }
        return (int) value;
    }

    /** How long reading a request body may take, from the first byte asked for to the last. */
    public long requestReadTimeoutMs() {
        return positive(REQUEST_READ_TIMEOUT_MS, 10_000);
    }

    private String string(String key, String fallback) {
        return config.getOptionalValue(key, String.class).filter(value -> !value.isBlank()).orElse(fallback);
    }

    private long positive(String key, long fallback) {
        long value = number(key, fallback);
        if (value <= 0) {
            throw new InvalidConfigException(key, value, "must be greater than zero");
        }
        return value;
    }

    private long atLeastZero(String key, long fallback) {
        long value = number(key, fallback);
        if (value < 0) {
            throw new InvalidConfigException(key, value, "must not be negative");
        }
        return value;
    }

    private long number(String key, long fallback) {
        String raw = string(key, null);
        if (raw == null) {
            return fallback;
        }
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, raw, "is not a whole number");
        }
    }
}

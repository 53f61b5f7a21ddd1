package dev.mik.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The one place that reads mik's settings. Every value is a MicroProfile Config property with a default. They are
 * read together, validated, and kept for {@value #REFRESH_MS} ms, so a value changed from the admin console applies
 * within a second without a redeploy (Payara may cache config values for up to a minute), and a request reads a field,
 * not the config sources (JFR: ten reads per run were a twentieth of a warm {@code /run/hello}).
 *
 * <p>A value outside its range never reaches a request: it is logged once and reported by readiness
 * ({@link #invalidSettings()}), and the last valid value (or the default) stays in force.
 */
@ApplicationScoped
public class MikConfig {

    /** How long a read of every setting serves before the config sources are read again. */
    public static final long REFRESH_MS = 1_000;

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
    public static final String SHUTDOWN_DRAIN_MS = "mik.shutdown.drain-ms";
    public static final String OTEL_ENDPOINT = "mik.otel.endpoint";
    public static final String OTEL_SERVICE_NAME = "mik.otel.service-name";
    public static final String OTEL_QUEUE_SIZE = "mik.otel.queue-size";
    /** What {@value #OTEL_ENDPOINT} accepts. */
    public static final String OTEL_ENDPOINT_ALLOWED =
            "an http:// or https:// URL with a host, e.g. http://collector:4318";

    private static final Logger LOG = Logger.getLogger(MikConfig.class.getName());
    private static final long MIB = 1024 * 1024;
    private static final long UNBOUNDED = Long.MAX_VALUE;
    /** The largest Java array: request and response bodies are held in one. */
    private static final long ARRAY_MAX = Integer.MAX_VALUE - 8;
    private static final long INT_MAX = Integer.MAX_VALUE;
    /** The longest an undeploy may wait for runs in flight: past it, a deployment tool gives up on the server. */
    private static final long DRAIN_MAX_MS = 300_000;

    /** Every whole-number setting with its default and range. */
    public static final List<NumberSetting> NUMBERS = List.of(
            new NumberSetting(CACHE_MAX_BYTES, 256 * MIB, 0, UNBOUNDED, "0 turns the cache off"),
            new NumberSetting(HANDLER_TIMEOUT_MS, 30_000, 1, UNBOUNDED, ""),
            new NumberSetting(HANDLER_MEMORY_MAX_BYTES, 64 * MIB, 1, UNBOUNDED, ""),
            new NumberSetting(REQUEST_MAX_BYTES, 10 * MIB, 1, ARRAY_MAX, "a body is held in one array"),
            new NumberSetting(RESPONSE_MAX_BYTES, 10 * MIB, 1, ARRAY_MAX, "a body is held in one array"),
            new NumberSetting(CONCURRENCY_MAX, 64, 1, INT_MAX, ""),
            new NumberSetting(CONCURRENCY_PER_MODULE, 16, 1, INT_MAX, ""),
            new NumberSetting(POOL_INSTANCES_PER_MODULE, 2, 0, INT_MAX, ""),
            new NumberSetting(BREAKER_FAILURE_THRESHOLD, 5, 1, INT_MAX, ""),
            new NumberSetting(BREAKER_OPEN_MS, 30_000, 1, UNBOUNDED, ""),
            new NumberSetting(MODULE_COMPILE_TIMEOUT_MS, 60_000, 1, UNBOUNDED, ""),
            new NumberSetting(WARMUP_MAX_MS, 120_000, 1, UNBOUNDED, ""),
            new NumberSetting(WARMUP_REHEARSALS, 1, 0, INT_MAX, ""),
            new NumberSetting(MODULE_MAX_BYTES, 50 * MIB, 1, ARRAY_MAX, "a module is read into one array"),
            new NumberSetting(SCRIPT_TIMEOUT_MS, 10_000, 1, UNBOUNDED, ""),
            new NumberSetting(SCRIPT_MAX_CALLS, 50, 1, INT_MAX, ""),
            new NumberSetting(SCRIPT_MEMORY_MAX_BYTES, 128 * MIB, 1, UNBOUNDED, ""),
            new NumberSetting(SCRIPT_CONCURRENCY_MAX, 32, 1, INT_MAX, ""),
            new NumberSetting(SCRIPT_MAX_SOURCE_BYTES, MIB, 1, ARRAY_MAX, "a script is read into one array"),
            new NumberSetting(MEMORY_POOL_PERCENT, 30, 1, 90, "the server needs heap too"),
            new NumberSetting(MEMORY_WAIT_MS, 100, 0, UNBOUNDED, ""),
            new NumberSetting(POOL_READY_MAX_PERCENT, 25, 0, 100, "a share of the pool"),
            new NumberSetting(POOL_IDLE_RELEASE_MS, 60_000, 1, UNBOUNDED, ""),
            new NumberSetting(POOL_PAGE_CACHE_PERCENT, 100, 0, 100, "a share of the pool"),
            new NumberSetting(SCRIPT_INPUT_MAX_NODES, 100_000, 1, UNBOUNDED, ""),
            new NumberSetting(MEMORY_HIGH_WATER_PERCENT, 85, 1, 99, ""),
            new NumberSetting(REQUEST_READ_TIMEOUT_MS, 10_000, 1, UNBOUNDED, ""),
            new NumberSetting(SHUTDOWN_DRAIN_MS, 10_000, 0, DRAIN_MAX_MS, "an undeploy waits this long"),
            new NumberSetting(OTEL_QUEUE_SIZE, 2048, 1, 1 << 20, "ended spans held for export; more are dropped"));

    private static final Map<String, String> STRING_DEFAULTS = Map.of(HANDLERS_DIR, "handlers", SCRIPTS_DIR,
            "scripts", CACHE_DIR, "", OTEL_ENDPOINT, "", OTEL_SERVICE_NAME, "mik");

    @Inject
    Config config;

    /** What a MikConfig made outside CDI ({@link #of(Map)}) reads instead of MicroProfile Config. */
    private Map<String, String> fixedValues = Map.of();

    /** The clock that ages a read; tests move their own. */
    LongSupplier nanoClock = System::nanoTime;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final Map<String, InvalidSetting> invalid = new ConcurrentHashMap<>();
    private volatile Values values;

    /** One read of every setting: strings as set (blank is unset), numbers validated. */
    private record Values(long readAtNanos, Map<String, String> strings, Map<String, Long> numbers) {
    }

    /**
     * Settings outside CDI, for the controls used on their own (unit tests): these values, validated like any
     * others, and the defaults for every other key.
     */
    public static MikConfig of(Map<String, String> values) {
        MikConfig fixed = new MikConfig();
        fixed.fixedValues = Map.copyOf(values);
        return fixed;
    }

    public Path handlersDir() {
        return Path.of(string(HANDLERS_DIR));
    }

    /**
     * Where compiled modules are kept across restarts: {@code mik.cache.dir}, else inside the server's own data or
     * work directory (WildFly's {@code jboss.server.data.dir}, Payara's instance root), else the system's temporary
     * directory.
     */
    public Path cacheDir() {
        String configured = string(CACHE_DIR);
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
        return number(CACHE_MAX_BYTES);
    }

    public Path scriptsDir() {
        return Path.of(string(SCRIPTS_DIR));
    }

    public long handlerTimeoutMs() {
        return number(HANDLER_TIMEOUT_MS);
    }

    public long handlerMemoryMaxBytes() {
        return number(HANDLER_MEMORY_MAX_BYTES);
    }

    public long requestMaxBytes() {
        return number(REQUEST_MAX_BYTES);
    }

    public long responseMaxBytes() {
        return number(RESPONSE_MAX_BYTES);
    }

    public int concurrencyMax() {
        return (int) number(CONCURRENCY_MAX);
    }

    public int concurrencyPerModule() {
        return (int) number(CONCURRENCY_PER_MODULE);
    }

    public int poolInstancesPerModule() {
        return (int) number(POOL_INSTANCES_PER_MODULE);
    }

    public int breakerFailureThreshold() {
        return (int) number(BREAKER_FAILURE_THRESHOLD);
    }

    public long breakerOpenMs() {
        return number(BREAKER_OPEN_MS);
    }

    /** How long compiling one module to JVM bytecode may take before the module is refused. */
    public long moduleCompileTimeoutMs() {
        return number(MODULE_COMPILE_TIMEOUT_MS);
    }

    /** How long readiness waits at start-up for every module and script to be compiled. */
    public long warmupMaxMs() {
        return number(WARMUP_MAX_MS);
    }

    /** How many times each module and script is run on a made-up request at start-up, before readiness. */
    public long warmupRehearsals() {
        return number(WARMUP_REHEARSALS);
    }

    public long moduleMaxBytes() {
        return number(MODULE_MAX_BYTES);
    }

    public long scriptTimeoutMs() {
        return number(SCRIPT_TIMEOUT_MS);
    }

    public int scriptMaxCalls() {
        return (int) number(SCRIPT_MAX_CALLS);
    }

    public long scriptMemoryMaxBytes() {
        return number(SCRIPT_MEMORY_MAX_BYTES);
    }

    public int scriptConcurrencyMax() {
        return (int) number(SCRIPT_CONCURRENCY_MAX);
    }

    public long scriptMaxSourceBytes() {
        return number(SCRIPT_MAX_SOURCE_BYTES);
    }

    /** Share of the JVM's maximum heap that running handlers and scripts may hold together; read at start-up. */
    public int memoryPoolPercent() {
        return (int) number(MEMORY_POOL_PERCENT);
    }

    /** How long a run may wait for memory other runs are giving back before it is refused. */
    public long memoryWaitMs() {
        return number(MEMORY_WAIT_MS);
    }

    /** Share of the memory pool that handler instances waiting for requests may hold together. */
    public int poolReadyMaxPercent() {
        return (int) number(POOL_READY_MAX_PERCENT);
    }

    /**
     * Share of the memory pool that freed linear-memory pages may be kept in for the next runs; they stay reserved
     * and any run the pool is short for gets them first.
     */
    public int poolPageCachePercent() {
        return (int) number(POOL_PAGE_CACHE_PERCENT);
    }

    /** How long a module's ready instances wait for a request before their memory is given back. */
    public long poolIdleReleaseMs() {
        return number(POOL_IDLE_RELEASE_MS);
    }

    /** Values (objects, arrays, strings, numbers, literals) a script's input may hold. */
    public long scriptInputMaxNodes() {
        return number(SCRIPT_INPUT_MAX_NODES);
    }

    /** Heap in use after a garbage collection, as a share of the maximum, above which new runs are refused. */
    public int memoryHighWaterPercent() {
        return (int) number(MEMORY_HIGH_WATER_PERCENT);
    }

    /** How long reading a request body may take, from the first byte asked for to the last. */
    public long requestReadTimeoutMs() {
        return number(REQUEST_READ_TIMEOUT_MS);
    }

    /**
     * How long an undeploy or shutdown waits for runs in flight to finish once new ones are refused; 0 does not wait.
     */
    public long shutdownDrainMs() {
        return number(SHUTDOWN_DRAIN_MS);
    }

    /**
     * Where traces are exported over OTLP/HTTP ({@value #OTEL_ENDPOINT}), or empty when unset or refused: traces are
     * then off. A refused value is logged once, naming the key, the value and what is allowed.
     */
    public Optional<URI> otelEndpoint() {
        String raw = string(OTEL_ENDPOINT);
        if (raw.isBlank()) {
            return Optional.empty();
        }
        try {
            URI endpoint = new URI(raw.trim());
            if (("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
                    && endpoint.getHost() != null && endpoint.getRawQuery() == null
                    && endpoint.getRawFragment() == null && endpoint.getRawUserInfo() == null) {
                return Optional.of(endpoint);
            }
        } catch (URISyntaxException malformed) {
            // refused below
        }
        LOG.warning(() -> "Refused configuration value " + OTEL_ENDPOINT + "=" + raw + " (allowed: "
                + OTEL_ENDPOINT_ALLOWED + "); traces are not exported.");
        return Optional.empty();
    }

    /** The {@code service.name} exported traces carry. */
    public String otelServiceName() {
        return string(OTEL_SERVICE_NAME);
    }

    /** Ended spans waiting for export at most; a span ended while it is full is dropped. */
    public int otelQueueSize() {
        return (int) number(OTEL_QUEUE_SIZE);
    }

    /** The values set now that are refused, each with the value serving instead; empty when all are valid. */
    public List<InvalidSetting> invalidSettings() {
        values();
        return invalid.values().stream().sorted((a, b) -> a.key().compareTo(b.key())).toList();
    }

    private String string(String key) {
        return values().strings().get(key);
    }

    /** The whole-number setting {@code key} in force. */
    long number(String key) {
        return values().numbers().get(key);
    }

    private Values values() {
        Values now = values;
        if (now == null || nanoClock.getAsLong() - now.readAtNanos() > TimeUnit.MILLISECONDS.toNanos(REFRESH_MS)) {
            now = refresh(now);
        }
        return now;
    }

    /** Reads every setting once; a concurrent caller keeps the previous read meanwhile instead of waiting. */
    private Values refresh(Values previous) {
        if (previous != null && !refreshing.compareAndSet(false, true)) {
            return previous;
        }
        try {
            synchronized (this) {
                Values read = read(values);
                values = read;
                return read;
            }
        } finally {
            refreshing.set(false);
        }
    }

    private Values read(Values previous) {
        Map<String, String> strings = new HashMap<>();
        STRING_DEFAULTS.forEach((key, fallback) -> {
            try {
                String raw = raw(key);
                strings.put(key, raw == null ? fallback : raw);
            } catch (RuntimeException unreadable) {
                strings.put(key, previous == null ? fallback : previous.strings().get(key));
                LOG.warning(() -> "Could not read configuration value " + key + " (" + unreadable
                        + "); its current value stays in force.");
            }
        });
        Map<String, Long> numbers = new HashMap<>();
        for (NumberSetting setting : NUMBERS) {
            long kept = previous == null ? setting.fallback() : previous.numbers().get(setting.key());
            String raw;
            String refusal;
            try {
                raw = raw(setting.key());
                refusal = raw == null ? null : setting.refusal(raw);
            } catch (RuntimeException unreadable) {
                raw = "?";
                refusal = "could not be read (" + unreadable.getClass().getSimpleName() + ")";
            }
            String value = raw;
            if (refusal == null) {
                numbers.put(setting.key(), raw == null ? setting.fallback() : Long.parseLong(raw.trim()));
                if (invalid.remove(setting.key()) != null) {
                    LOG.info(() -> setting.key() + (value == null ? " is unset now; its default applies."
                            : " is valid again: " + value + "."));
                }
            } else {
                numbers.put(setting.key(), kept);
                refuse(new InvalidSetting(setting.key(), value, refusal, setting.allowed(), kept));
            }
        }
        return new Values(nanoClock.getAsLong(), Map.copyOf(strings), Map.copyOf(numbers));
    }

    /** Logs a refused value once, the first time it is seen. */
    private void refuse(InvalidSetting refused) {
        InvalidSetting before = invalid.put(refused.key(), refused);
        if (before == null || !Objects.equals(before.value(), refused.value())) {
            LOG.warning(() -> "Refused configuration value " + refused.describe() + ".");
        }
    }

    /** The value set for {@code key}, or {@code null} when it is unset or blank. */
    private String raw(String key) {
        if (config == null) {
            String fixed = fixedValues.get(key); // a MikConfig made outside CDI: its values, else the defaults
            return fixed == null || fixed.isBlank() ? null : fixed;
        }
        return config.getOptionalValue(key, String.class).filter(value -> !value.isBlank()).orElse(null);
    }
}

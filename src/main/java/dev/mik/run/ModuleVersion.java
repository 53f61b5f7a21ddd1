package dev.mik.run;

import dev.mik.files.FileStamp;
import dev.mik.memory.MemoryPool;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.wasm.CompiledModule;
import dev.mik.wasm.MemoryLimitException;
import dev.mik.wasm.PreparedInstance;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One content version of one module file: its compilation, a few instances made ahead of requests, and its circuit
 * breaker. Replacing the file makes a new version (with a closed breaker); requests already running keep theirs.
 *
 * <p>Every instance holds a reservation from the memory pool for what it holds, from the moment it is made: a ready
 * one while it waits (released when the version retires or sits idle), a running one until its run ends.
 */
public final class ModuleVersion {

    /**
     * Instances that take at least this long to make are made ahead of requests, on another thread; quicker ones are
     * made by the run that needs them, since handing the work to another thread and back costs more than that.
     */
    static final long PREPARE_AHEAD_NANOS = 250_000;

    private final ModuleName name;
    private final FileStamp stamp;
    private final CompiledModule compiled;
    private final WagiRoutes routes;
    private final HandlerMemory memory;
    private final CircuitBreaker breaker = new CircuitBreaker(System::currentTimeMillis);
    private final ConcurrentLinkedQueue<Ready> ready = new ConcurrentLinkedQueue<>();
    private final AtomicInteger readyOrPreparing = new AtomicInteger();
    private volatile long lastUsedNanos = System.nanoTime();
    /** How long the latest instance took to make; unknown (so made ahead) until one has been made. */
    private volatile long prepareNanos = Long.MAX_VALUE;
    private volatile boolean retired;

    /** An instance waiting for a request, and the bytes it counts against the ready instances' ceiling. */
    private record Ready(PreparedInstance instance, long bytes) {
    }

    ModuleVersion(ModuleName name, FileStamp stamp, CompiledModule compiled, WagiRoutes routes, HandlerMemory memory) {
        this.name = name;
        this.stamp = stamp;
        this.compiled = compiled;
        this.routes = routes;
        this.memory = memory;
    }

    public ModuleName name() {
        return name;
    }

    FileStamp stamp() {
        return stamp;
    }

    public CompiledModule compiled() {
        return compiled;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** The routes this version answers, read from its {@code _routes} when it was loaded. */
    public WagiRoutes routes() {
        return routes;
    }

    /**
     * The route that answers {@code request}.
     *
     * @throws ProblemException 404 {@code not-found} when the module declares routes and none matches
     */
    public WagiRoute route(HandlerRequest request) {
        return routes.match(request.rawPathInfo()).orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND,
                "Module '" + name + "' has no route for this path; its _routes declares "
                        + routes.routes().stream().map(WagiRoute::text).filter(text -> !text.isEmpty()).toList()
                        + "."));
    }

    /**
     * A ready instance made under the current memory cap if one is waiting, else a new one made now once the pool
     * admits what it holds. The caller owns the instance and must {@link PreparedInstance#release} it.
     *
     * @throws MemoryLimitException when an instance alone is above the cap
     * @throws dev.mik.problem.ProblemException 503 {@code overloaded} when the pool stays full
     */
    public PreparedInstance take(long memoryMaxBytes) {
        lastUsedNanos = System.nanoTime();
        Ready waiting;
        while ((waiting = ready.poll()) != null) {
            readyOrPreparing.decrementAndGet();
            memory.leftReady(waiting.bytes());
            if (waiting.instance().memoryMaxBytes() == memoryMaxBytes) {
                return waiting.instance();
            }
            waiting.instance().release();
        }
        long bytes = PreparedInstance.initialBytes(compiled, memoryMaxBytes);
        return prepare(memoryMaxBytes, memory.admit(bytes, name));
    }

    private PreparedInstance prepare(long memoryMaxBytes, MemoryPool.Reservation reservation) {
        try {
            long started = System.nanoTime();
            PreparedInstance instance = PreparedInstance.prepare(compiled, memoryMaxBytes, reservation,
                    memory.pages());
            prepareNanos = System.nanoTime() - started;
            return instance;
        } catch (RuntimeException | Error e) {
            reservation.close();
            throw e;
        }
    }

    /**
     * Whether instances are worth making ahead: their module has no start section (that code must run under a
     * request's timeout) and making one took at least {@value #PREPARE_AHEAD_NANOS} ns the latest time.
     */
    public boolean preparedAhead() {
        return !compiled.hasStartSection() && !retired && prepareNanos >= PREPARE_AHEAD_NANOS;
    }

    /**
     * Makes instances until {@code target} are waiting, as far as the pool has bytes free and ready instances stay
     * within {@code readyMaxBytes} together. Modules whose instantiation runs guest code (a start section) are never
     * prepared ahead: that code must run under a request's timeout.
     */
    public void refill(int target, long memoryMaxBytes, long readyMaxBytes) {
        if (compiled.hasStartSection() || retired) {
            return;
        }
        long bytes;
        try {
            bytes = PreparedInstance.initialBytes(compiled, memoryMaxBytes);
        } catch (MemoryLimitException tooLarge) {
            return;
        }
        // ends when retired or interrupted (undeploy) too: a retired version's instances are released as soon as they
        // join, so its count never reaches the target and, unchecked, the loop would make and drop instances forever
        while (!retired && !Thread.currentThread().isInterrupted()) {
            if (readyOrPreparing.incrementAndGet() > target || !addReady(bytes, memoryMaxBytes, readyMaxBytes)) {
                readyOrPreparing.decrementAndGet(); // this turn added no instance
                break;
            }
            if (retired) {
                releaseReady(); // retire() may have emptied the queue just before this instance joined it
            }
        }
        lastUsedNanos = System.nanoTime(); // idle time counts from here, or a slow refill could be released at once
    }

    /** Makes one instance and queues it as ready; false when the pool has no room for it or it cannot be made. */
    private boolean addReady(long bytes, long memoryMaxBytes, long readyMaxBytes) {
        MemoryPool.Reservation reservation = memory.reserveForReady(bytes, readyMaxBytes);
        if (reservation == null) {
            return false;
        }
        try {
            ready.add(new Ready(prepare(memoryMaxBytes, reservation), bytes));
            return true;
        } catch (RuntimeException | Error e) {
            memory.leftReady(bytes);
            return false;
        }
    }

    /** Releases the waiting instances if no run took one for {@code idleNanos}; true when any were released. */
    boolean releaseIfIdle(long nowNanos, long idleNanos) {
        if (ready.isEmpty() || nowNanos - lastUsedNanos < idleNanos) {
            return false;
        }
        return releaseReady() > 0;
    }

    /** Drops the waiting instances for good (the file changed or the module was removed). */
    void retire() {
        retired = true;
        releaseReady();
    }

    private int releaseReady() {
        int released = 0;
        Ready waiting;
        while ((waiting = ready.poll()) != null) {
            readyOrPreparing.decrementAndGet();
            memory.leftReady(waiting.bytes());
            waiting.instance().release();
            released++;
        }
        return released;
    }
}

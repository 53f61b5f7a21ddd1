package dev.mik.run;

import dev.mik.files.FileStamp;
import dev.mik.wasm.CompiledModule;
import dev.mik.wasm.PreparedInstance;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One content version of one module file: its compilation, a few instances made ahead of requests, and its circuit
 * breaker. Replacing the file makes a new version (with a closed breaker); requests already running keep theirs.
 */
public final class ModuleVersion {

    private final ModuleName name;
    private final FileStamp stamp;
    private final CompiledModule compiled;
    private final CircuitBreaker breaker = new CircuitBreaker(System::currentTimeMillis);
    private final ConcurrentLinkedQueue<PreparedInstance> ready = new ConcurrentLinkedQueue<>();
    private final AtomicInteger readyOrPreparing = new AtomicInteger();

    ModuleVersion(ModuleName name, FileStamp stamp, CompiledModule compiled) {
        this.name = name;
        this.stamp = stamp;
        this.compiled = compiled;
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

    /** A ready instance made under the current memory cap if one is waiting, else a new one made now. */
    public PreparedInstance take(long memoryMaxBytes) {
        PreparedInstance instance;
        while ((instance = ready.poll()) != null) {
            readyOrPreparing.decrementAndGet();
            if (instance.memoryMaxBytes() == memoryMaxBytes) {
                return instance;
            }
        }
        return PreparedInstance.prepare(compiled, memoryMaxBytes);
    }

    /**
     * Makes instances until {@code target} are waiting. Modules whose instantiation runs guest code (a start section)
     * are never prepared ahead: that code must run under a request's timeout.
     */
    public void refill(int target, long memoryMaxBytes) {
        if (compiled.hasStartSection()) {
            return;
        }
        while (readyOrPreparing.incrementAndGet() <= target) {
            try {
                ready.add(PreparedInstance.prepare(compiled, memoryMaxBytes));
            } catch (RuntimeException e) {
                readyOrPreparing.decrementAndGet();
                return;
            }
        }
        readyOrPreparing.decrementAndGet();
    }

    /** Drops the waiting instances (the file changed or the module was removed). */
    void retire() {
        ready.clear();
    }
}

package dev.mik.sandbox;

import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;
import org.openjdk.nashorn.api.scripting.ScriptUtils;
import org.openjdk.nashorn.internal.runtime.Property;
import org.openjdk.nashorn.internal.runtime.ScriptObject;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * The per-run Java object behind the reserved identifier {@code __g}: the only Java object a run can touch,
 * and only through instrumented code and the trusted runner, never through a name the script may write.
 *
 * <p>Instrumented scripts call {@link #t()} at every loop-body and function-body start, and {@link #c(Object)}
 * at every catch-block start. The guard is sticky: once a limit trips, every later call throws, so a script
 * that catches the abort can only run straight-line code before it ends. Every {@value #CHECK_EVERY} calls it
 * reads the clock, the thread's CPU time and its allocated bytes; a {@link GuardWatchdog} does the same every
 * few milliseconds for iterations that allocate a lot or call slow builtins.
 */
public final class RunGuard {

    /** Guard calls between two reads of the clocks and the allocation counter (~15 ns each). */
    static final int CHECK_EVERY = 1024;
    /** Allocation covered by the memory account in one step. */
    static final long MEMORY_STEP = 4L << 20;
    /** Console lines one run may write; later lines are dropped after one notice. */
    static final int MAX_LOG_LINES = 200;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final ThreadLocal<RunGuard> CURRENT = new ThreadLocal<>();
    private static final String NASHORN_EXCEPTION = "nashornException";

    private final Thread thread = Thread.currentThread();
    private final long deadline;
    private final long cpuLimit;
    private final long cpuBase;
    private final long allocationLimit;
    private final long allocationBase;
    private final int maxCalls;
    private final HostBridge host;
    private final ScriptConsole console;
    private final AllocationAccount memory;
    /** Allocation the memory account already covers; the next step is asked for when it is passed. */
    private volatile long covered;

    private volatile AbortReason tripped;
    /**
     * Odd while a {@code host.call} runs, counted up at its start and its end. Work done by the host inside it is not
     * the script's, and neither is an interrupt: the handler's own deadline interrupts this thread to stop the
     * guest, and clears it before the call returns. The watchdog reads the count before and after the interrupt
     * flag, so an interrupt it sees between two host calls is one the container sent.
     */
    private volatile int hostCalls;
    private volatile long hostCpu;
    private volatile long hostAllocated;
    private int countdown = CHECK_EVERY;
    private int calls;
    private int logLines;
    private RuntimeException hostFailure;
    private Throwable unexpected;
    private String inputProblem;
    private String resultProblem;
    private int returnedCall = ScriptResult.NO_PASSTHROUGH;
    private boolean returnedCallEdited;
    private String resultJson;

    RunGuard(ScriptLimits limits, HostBridge host, ScriptConsole console) {
        this(limits, host, console, AllocationAccount.UNLIMITED);
    }

    RunGuard(ScriptLimits limits, HostBridge host, ScriptConsole console, AllocationAccount memory) {
        this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.timeoutMs());
        this.cpuLimit = TimeUnit.MILLISECONDS.toNanos(limits.cpuMs());
        this.cpuBase = THREADS.getCurrentThreadCpuTime();
        this.allocationLimit = limits.maxAllocatedBytes();
        this.allocationBase = THREADS.getCurrentThreadAllocatedBytes();
        this.maxCalls = limits.maxCalls();
        this.host = host;
        this.console = console;
        this.memory = memory;
    }

    /** The guard of the run on this thread, or null; the guarded regex engine reads it. */
    static RunGuard current() {
        return CURRENT.get();
    }

    /** Makes this the current thread's guard and returns the one it replaces (runs may nest through a host). */
    RunGuard enter() {
        RunGuard previous = CURRENT.get();
        CURRENT.set(this);
        return previous;
    }

    static void leave(RunGuard previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }

    /** Injected at every loop-body and function-body start. */
    public void t() {
        if (tripped != null) {
            throw new GuardTripped(tripped);
        }
        if (--countdown > 0) {
            return;
        }
        countdown = CHECK_EVERY;
        check();
    }

    /**
     * Injected at every catch-block start with the caught value. A Java throwable (an abort, a stack overflow,
     * a host failure) is never handed to the script: it trips the guard where it is a limit, and is rethrown. Any
     * other Java object, or a Java exception left on a caught error, fails the run instead of reaching the script.
     */
    public void c(Object caught) {
        if (caught instanceof Throwable throwable) {
            if (throwable instanceof StackOverflowError) {
                trip(AbortReason.STACK);
            } else if (throwable instanceof OutOfMemoryError) {
                trip(AbortReason.ALLOCATION);
            } else if (!(throwable instanceof GuardTripped) && unexpected == null) {
                unexpected = throwable;
            }
            throw sneaky(throwable);
        }
        if (tripped != null) {
            throw new GuardTripped(tripped);
        }
        if (caught instanceof ScriptObjectMirror error) {
            forgetJavaException(error);
        } else if (!ScriptValues.isScriptValue(caught)) {
            throw javaObjectReached(caught);
        }
    }

    /**
     * Errors Nashorn raises carry its Java exception as an own property; the script must not reach it. A fixed
     * slot (one safeThrow defined) stays, and must hold a script value.
     */
    private void forgetJavaException(ScriptObjectMirror error) {
        if (!(ScriptUtils.unwrap(error) instanceof ScriptObject object)) {
            return;
        }
        Property slot = object.getMap().findProperty(NASHORN_EXCEPTION);
        if (slot == null) {
            return;
        }
        if (slot.isConfigurable()) {
            object.delete(NASHORN_EXCEPTION, false);
            return;
        }
        Object fixed = slot.isAccessorProperty() ? null : slot.getObjectValue(object, object);
        if (!ScriptValues.isScriptValue(fixed)) {
            throw javaObjectReached(fixed);
        }
    }

    /** A Java object about to reach script code ends the run as a failure inside the sandbox. */
    private IllegalStateException javaObjectReached(Object value) {
        IllegalStateException leak = new IllegalStateException("a Java object (" + value.getClass().getName()
                + ") was about to reach script code");
        if (unexpected == null) {
            unexpected = leak;
        }
        return leak;
    }

    /** Reads the limits now; also called by the guarded regex input and around host calls. */
    public void check() {
        if (tripped == null) {
            AbortReason reason = exceeded(System.nanoTime(), THREADS.getCurrentThreadCpuTime(),
                    THREADS.getCurrentThreadAllocatedBytes());
            if (reason != null) {
                trip(reason);
            }
        }
        if (tripped != null) {
            throw new GuardTripped(tripped);
        }
    }

    /** The watchdog's view: the same limits, read from another thread. */
    void poll() {
        if (tripped == null) {
            long id = thread.getId();
            AbortReason reason = exceeded(System.nanoTime(), THREADS.getThreadCpuTime(id),
                    THREADS.getThreadAllocatedBytes(id));
            if (reason != null) {
                trip(reason);
            }
        }
    }

    /** Whether a {@code host.call} runs now. */
    private boolean inHost() {
        return (hostCalls & 1) != 0;
    }

    /** Whether the container interrupted this run's thread: an interrupt seen outside any host call. */
    private boolean interruptedOutsideHostCalls() {
        int before = hostCalls;
        return (before & 1) == 0 && thread.isInterrupted() && hostCalls == before;
    }

    private AbortReason exceeded(long now, long cpuTime, long allocated) {
        // an interrupt is how a container cancels work whose caller gave up
        if (now - deadline > 0 || interruptedOutsideHostCalls()) {
            return AbortReason.TIMEOUT;
        }
        if (inHost()) {
            return null;
        }
        // negative readings mean the JVM does not measure this thread; the wall clock still binds
        if (cpuTime >= 0 && cpuBase >= 0 && cpuTime - cpuBase - hostCpu > cpuLimit) {
            return AbortReason.CPU;
        }
        if (allocated >= 0 && allocationBase >= 0) {
            long used = allocated - allocationBase - hostAllocated;
            if (used > allocationLimit) {
                return AbortReason.ALLOCATION;
            }
            if (used > covered && !coverNextStep(used)) {
                return AbortReason.MEMORY;
            }
        }
        return null;
    }

    /** Asks the memory account for the next step above {@code used}; run thread and watchdog take turns here. */
    private synchronized boolean coverNextStep(long used) {
        if (used <= covered) {
            return true;
        }
        long wanted = Math.min(used + MEMORY_STEP, allocationLimit);
        if (!memory.cover(wanted)) {
            return false;
        }
        covered = wanted;
        return true;
    }

    /** Bytes the script itself has allocated so far (host work excluded), as the watchdog sees them. */
    long allocatedByScript() {
        long allocated = THREADS.getThreadAllocatedBytes(thread.getId());
        return allocated < 0 || allocationBase < 0 ? 0 : allocated - allocationBase - hostAllocated;
    }

    void trip(AbortReason reason) {
        if (tripped == null) {
            tripped = reason;
        }
    }

    AbortReason tripped() {
        return tripped;
    }

    /**
     * What reading a {@code host.call}'s options costs the host, charged to the script per character of their JSON
     * text (reading them whole, then binding them, was measured at up to 27): a text of millions of characters is
     * hundreds of megabytes, which would otherwise fall outside the run's budget with the handler's own work.
     */
    public static final long OPTIONS_BYTES_PER_CHAR = 32;

    /**
     * {@code host.call}: counts against the call limit and the deadline. Only JSON text crosses, with what is left of
     * the run's deadline, so the host's call keeps this deadline rather than one of its own.
     */
    public String call(String module, String optionsJson) {
        check();
        if (++calls > maxCalls) {
            trip(AbortReason.MAX_CALLS);
            throw new GuardTripped(AbortReason.MAX_CALLS);
        }
        String result;
        long cpuBefore = THREADS.getCurrentThreadCpuTime();
        long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
        hostCalls++;
        try {
            result = host.call(module, optionsJson, deadline - System.nanoTime());
        } catch (RuntimeException e) {
            hostFailure = e;
            throw e;
        } finally {
            hostCpu += THREADS.getCurrentThreadCpuTime() - cpuBefore;
            // the handler's run is the host's, but reading the options is done for the script: charged to it
            long spent = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
            hostAllocated += Math.max(0, spent - OPTIONS_BYTES_PER_CHAR * optionsJson.length());
            hostCalls++;
        }
        check();
        if (result == null) {
            hostFailure = new IllegalStateException("host bridge returned no result for module " + module);
            throw hostFailure;
        }
        return result;
    }

    /** {@code console.*}: the runner has already joined and capped the message. */
    public void log(String level, String message) {
        check();
        logLines++;
        if (logLines <= MAX_LOG_LINES) {
            console.log(level, message);
        } else if (logLines == MAX_LOG_LINES + 1) {
            console.log("warn", "console output of this run stopped after " + MAX_LOG_LINES + " lines");
        }
    }

    /** The runner could not parse the input text. */
    public void rejectInput(String problem) {
        inputProblem = problem;
    }

    /** The returned value has no JSON form (a cycle, or it is too large). */
    public void rejectResult(String problem) {
        resultProblem = problem;
    }

    /**
     * The run's outcome, reported by the runner once the script returned.
     *
     * @param call   index of the {@code host.call} result object the script returned, or -1
     * @param edited whether that object's JSON differs from what the host answered
     */
    public void finish(int call, boolean edited, String json) {
        this.returnedCall = call;
        this.returnedCallEdited = edited;
        this.resultJson = json;
    }

    RuntimeException hostFailure() {
        return hostFailure;
    }

    Throwable unexpected() {
        return unexpected;
    }

    String inputProblem() {
        return inputProblem;
    }

    String resultProblem() {
        return resultProblem;
    }

    int returnedCall() {
        return returnedCall;
    }

    boolean returnedCallEdited() {
        return returnedCallEdited;
    }

    String resultJson() {
        return resultJson;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable throwable) throws T {
        throw (T) throwable;
    }

    /**
     * On entry to a builtin whose work grows with its input, and before mik's ConsString flattens a rope: the
     * sticky flag, the deadline and the allocation budget read now (~40 ns), so straight-line code that calls
     * allocating builtins stops within one call of the budget, and a tripped run cannot start one more.
     */
    public void enterBuiltin() {
        enterBuiltin(0);
    }

    /**
     * Like {@link #enterBuiltin()}, and the pool must also cover what the run allocated so far plus
     * {@code aheadBytes}, what the builtin about to run may allocate: a call that would need more than the pool can
     * give stops the run ({@code MEMORY}) before it allocates, so many runs making large strings at once cannot
     * take more heap together than the pool holds. The estimate is capped at the run's allocation budget.
     */
    public void enterBuiltin(long aheadBytes) {
        if (tripped == null && !inHost()) {
            if (System.nanoTime() - deadline > 0) {
                trip(AbortReason.TIMEOUT);
            } else {
                long allocated = THREADS.getCurrentThreadAllocatedBytes();
                if (allocated >= 0 && allocationBase >= 0) {
                    long used = allocated - allocationBase - hostAllocated;
                    if (used > allocationLimit) {
                        trip(AbortReason.ALLOCATION);
                    } else {
                        long needed = Math.min(used + Math.max(0, aheadBytes), allocationLimit);
                        if (needed > covered && !coverNextStep(needed)) {
                            trip(AbortReason.MEMORY);
                        }
                    }
                }
            }
        }
        if (tripped != null) {
            throw new GuardTripped(tripped);
        }
    }

    /** {@link #enterBuiltin()} of the run on this thread, if any (mik's ConsString has no guard at hand). */
    public static void checkCurrent() {
        checkCurrent(0);
    }

    /** {@link #enterBuiltin(long)} of the run on this thread, if any. */
    public static void checkCurrent(long aheadBytes) {
        RunGuard guard = CURRENT.get();
        if (guard != null) {
            guard.enterBuiltin(aheadBytes);
        }
    }
}

package dev.mik.sandbox;

import org.openjdk.nashorn.api.scripting.NashornException;
import org.openjdk.nashorn.api.scripting.NashornScriptEngineFactory;
import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;
import org.openjdk.nashorn.internal.ir.FunctionNode;
import org.openjdk.nashorn.internal.runtime.ConsString;
import org.openjdk.nashorn.internal.runtime.regexp.RegExpFactory;

import java.util.concurrent.ScheduledExecutorService;
import javax.script.Bindings;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptException;
import javax.script.SimpleBindings;
import javax.script.SimpleScriptContext;

/**
 * Runs untrusted workflow scripts. One per application, thread-safe: it builds one Nashorn engine and hardens
 * and freezes its single global ({@link SandboxGlobal}, {@link BuiltinCaps}); each script is compiled once,
 * instrumented with run-guard calls ({@link GuardInjector}, checked by {@link GuardVerifier}); each run calls
 * the compiled factory with a fresh {@link RunGuard}, so no state survives a run and concurrent runs share
 * nothing mutable. Only JSON text crosses between Java and a script ({@link RunnerScript}).
 *
 * <p>A script sees {@code input}, {@code request}, {@code host}, {@code console} and the standard builtins,
 * nothing that reaches Java, files, the network, processes, timers or the engine.
 */
public final class ScriptSandbox implements AutoCloseable {

    /**
     * Longest string a script can build by concatenation (mik's shadow of Nashorn's ConsString enforces it)
     * or get from a capped builtin such as {@code repeat}, {@code padStart} or {@code join}.
     */
    public static final int MAX_STRING_LENGTH = 8 * 1024 * 1024;
    /** Largest script source accepted. */
    public static final int MAX_SOURCE_LENGTH = 1024 * 1024;
    /** Deepest nesting of arrays and objects accepted in the input JSON (parsing recurses per level). */
    public static final int MAX_INPUT_NESTING = 256;
    /**
     * Members one object may have, in the input JSON and in a script's {@code JSON.parse}: Nashorn's property maps
     * make a very wide object quadratic to build (29,000 keys of one hash code took 6 s), inside one native call.
     */
    public static final int MAX_OBJECT_MEMBERS = 5_000;

    private static final String[] ENGINE_OPTIONS = {"--no-java", "--no-syntax-extensions", "-strict",
        "--language=es6", "--lazy-compilation=false"};
    private static final String RUNTIME_SOURCE_NAME = "<mik-runtime>";
    private static final String FACTORY_PREFIX = "(function(" + GuardInjector.GUARD + "," + GuardInjector.SAFE_THROW
            + "," + GuardInjector.PASS + "," + GuardInjector.FOR_IN + "){return function(input,request,host,console){";

    private static final String SELF_TEST = """
            export default function (input) {
              var reply = host.call("probe", { body: [input.n] });
              var caught;
              try { null.x; } catch (e) { caught = e.name; }
              console.log("self-test", reply);
              return { status: reply.status, caught: caught, matched: "a-b".replace(/(a)-(b)/, "$2-$1"),
                       json: JSON.stringify([input.n]) };
            }
            """;

    private final ScriptEngine engine;
    private final ScriptObjectMirror runner;
    private final GuardWatchdog watchdog;
    private final Object compileLock = new Object();
    private volatile boolean closed;

    /** @param scheduler runs the guard watchdog every {@value dev.mik.watch.Watchdog#PERIOD_MS} ms */
    public ScriptSandbox(ScheduledExecutorService scheduler) {
        requireShadowedNashornClasses();
        this.engine = new NashornScriptEngineFactory().getScriptEngine(ENGINE_OPTIONS,
                ScriptSandbox.class.getClassLoader(), className -> false);
        try {
            ScriptObjectMirror global = (ScriptObjectMirror) engine.getBindings(ScriptContext.ENGINE_SCOPE);
            SandboxGlobal.removeCompileTimeSlots(global);
            ((ScriptObjectMirror) evaluate(RUNTIME_SOURCE_NAME, SandboxGlobal.cleanupScript())).call(null, global);
            Object internals = ((ScriptObjectMirror) evaluate(RUNTIME_SOURCE_NAME, BuiltinCaps.script()))
                    .call(null, global, new GuardTicker(), BuiltinCaps.capsJson());
            ((ScriptObjectMirror) evaluate(RUNTIME_SOURCE_NAME, SandboxGlobal.lockScript()))
                    .call(null, global, new ScriptRandom());
            requireJavaMemberBarrier();
            ScriptObjectMirror newRunner = (ScriptObjectMirror) evaluate(RUNTIME_SOURCE_NAME, RunnerScript.script());
            this.runner = (ScriptObjectMirror) newRunner.call(null, internals, RunnerScript.MAX_LOG_LENGTH,
                    BuiltinCaps.MAX_JSON_LENGTH);
        } catch (ScriptException | RuntimeException e) {
            throw new IllegalStateException("the script sandbox could not harden its JavaScript global", e);
        }
        this.watchdog = new GuardWatchdog(scheduler);
        selfTest();
    }

    /** Checks, instruments and compiles a script once; the result can be run any number of times. */
    public CompiledScript compile(String name, String source) throws ScriptCompileException {
        if (source.length() > MAX_SOURCE_LENGTH) {
            throw new ScriptCompileException(name, 1, "the script is longer than " + MAX_SOURCE_LENGTH + " characters");
        }
        synchronized (compileLock) {
            try {
                return compileChecked(name, source);
            } catch (StackOverflowError e) {
                // a long chain like 1+1+…+1 overflows the parser, the rewriter or the compiler, whichever is deepest
                throw new ScriptCompileException(name, 1, "the script nests too deeply to be compiled");
            }
        }
    }

    private CompiledScript compileChecked(String name, String source) throws ScriptCompileException {
        JsParser parser = new JsParser();
        FunctionNode module = parser.parseModule(name, source);
        ModuleRewriter.Body body = ModuleRewriter.rewrite(name, source, module);
        String factorySource = FACTORY_PREFIX + body.text() + "\n;return " + body.mainName() + "(input);}})";
        FunctionNode factory = parser.parseScript(name, factorySource);
        String instrumented = GuardInjector.instrument(name, factorySource, factory);
        String problem = GuardVerifier.verify(parser.parseScript(name, instrumented), instrumented);
        if (problem != null) {
            throw new ScriptCompileException(name, 1, "the script could not be instrumented safely: " + problem);
        }
        try {
            return new CompiledScript(name, this, (ScriptObjectMirror) evaluate(name, instrumented), instrumented,
                    HostCallTargets.in(factory));
        } catch (ScriptException e) {
            throw new ScriptCompileException(name, Math.max(1, e.getLineNumber()),
                    JsParser.describe(e.getMessage()));
        } catch (RuntimeException | AssertionError e) {
            // Nashorn parses some ES6 forms it cannot compile: spread, destructuring, an arrow directly in ?:
            throw new ScriptCompileException(name, JsParser.lineIn(name, e.getMessage()),
                    JsParser.describe(e.getMessage()));
        }
    }

    /**
     * Runs a compiled script once.
     *
     * @param inputJson   the request body; empty or blank means {@code input} is null
     * @param requestJson {@code {"method","path","query","headers"}}, deeply frozen for the script
     */
    public ScriptResult run(CompiledScript script, String inputJson, String requestJson, HostBridge host,
            ScriptConsole console, ScriptLimits limits)
            throws ScriptInputException, ScriptFailure, ScriptAbortedException {
        return run(script, inputJson, requestJson, host, console, limits, AllocationAccount.UNLIMITED);
    }

    /** As above, charging the run's allocation to {@code memory} in steps as it grows. */
    public ScriptResult run(CompiledScript script, String inputJson, String requestJson, HostBridge host,
            ScriptConsole console, ScriptLimits limits, AllocationAccount memory)
            throws ScriptInputException, ScriptFailure, ScriptAbortedException {
        if (script.owner() != this) {
            throw new IllegalArgumentException("script " + script.name() + " was compiled by another sandbox");
        }
        if (closed) {
            throw new IllegalStateException("the script sandbox is closed");
        }
        String inputText = inputJson == null || inputJson.isBlank() ? null : inputJson;
        if (inputText != null && JsonShape.depth(inputText) > MAX_INPUT_NESTING) {
            throw new ScriptInputException("the input nests deeper than " + MAX_INPUT_NESTING + " levels");
        }
        RunGuard guard = new RunGuard(limits, host, console, memory);
        RunOutcome outcome = new RunOutcome(script.name(), guard);
        RunGuard previous = guard.enter();
        watchdog.watch(guard);
        try {
            runner.call(null, script.factory(), guard, inputText, requestJson == null ? "{}" : requestJson);
        } catch (GuardTripped e) {
            guard.trip(e.reason());
        } catch (StackOverflowError e) {
            guard.trip(AbortReason.STACK);
        } catch (OutOfMemoryError e) {
            guard.trip(AbortReason.ALLOCATION);
        } catch (NashornException e) {
            // trusted runner code that rethrows a Java error hands it back wrapped;
            // it is a limit, not the script's error
            Object thrown = e instanceof org.openjdk.nashorn.internal.runtime.ECMAException ecma
                    ? ecma.getThrown() : null;
            if (thrown instanceof StackOverflowError || e.getCause() instanceof StackOverflowError) {
                guard.trip(AbortReason.STACK);
            } else if (thrown instanceof OutOfMemoryError || e.getCause() instanceof OutOfMemoryError) {
                guard.trip(AbortReason.ALLOCATION);
            } else if (thrown instanceof Throwable || e.getCause() instanceof Error) {
                outcome.failed(new IllegalStateException("a Java error reached the script's runner", e));
            } else {
                outcome.thrown(e);
            }
        } catch (RuntimeException e) {
            outcome.failed(e);
        } finally {
            watchdog.forget(guard);
            RunGuard.leave(previous);
        }
        return outcome.result();
    }

    /** Stops the {@code count} running scripts that allocated the most ({@link AbortReason#MEMORY}); how many. */
    public int shedHeaviest(int count) {
        return watchdog.tripHeaviest(count, AbortReason.MEMORY);
    }

    @Override
    public void close() {
        closed = true;
        watchdog.close();
    }

    /**
     * Runs one script through every part of a run before the sandbox is used: it fails fast if the hardened
     * global is broken, and initialises the runtime's classes while the stack is shallow (a class whose
     * initialiser overflows deep inside a recursive script would stay broken).
     */
    private void selfTest() {
        String expected = "{\"status\":200,\"caught\":\"TypeError\",\"matched\":\"b-a\",\"json\":\"[1]\"}";
        try {
            CompiledScript probe = compile("<mik-self-test>", SELF_TEST);
            ScriptResult result = run(probe, "{\"n\":1}", "{}", (module, options, remainingNanos) -> "{\"status\":200}",
                    (level, message) -> { }, new ScriptLimits(10_000, 256L << 20, 1));
            if (!expected.equals(result.json())) {
                throw new IllegalStateException("unexpected result " + result.json());
            }
        } catch (ScriptCompileException | ScriptInputException | ScriptFailure | ScriptAbortedException e) {
            throw new IllegalStateException("the script sandbox failed its self-test", e);
        }
    }

    /**
     * Test hook: evaluates a trusted JavaScript function in the hardened global and calls it with the runner (which
     * returns what the script returned) followed by the arguments.
     */
    Object callTrusted(String functionSource, Object... arguments) throws ScriptException {
        Object[] withRunner = new Object[arguments.length + 1];
        withRunner[0] = runner;
        System.arraycopy(arguments, 0, withRunner, 1, arguments.length);
        return ((ScriptObjectMirror) evaluate(RUNTIME_SOURCE_NAME, functionSource)).call(null, withRunner);
    }

    private Object evaluate(String name, String source) throws ScriptException {
        // the file name comes from a separate scope, so nothing is written into the frozen global
        SimpleScriptContext context = new SimpleScriptContext();
        context.setBindings(engine.getBindings(ScriptContext.ENGINE_SCOPE), ScriptContext.ENGINE_SCOPE);
        Bindings naming = new SimpleBindings();
        naming.put(ScriptEngine.FILENAME, name);
        context.setBindings(naming, ScriptContext.GLOBAL_SCOPE);
        return engine.eval(source, context);
    }

    /**
     * Java members of primitives are unreachable only while {@link JavaMemberBarrier} is one of the engine's linkers.
     */
    private void requireJavaMemberBarrier() throws ScriptException {
        Object kinds = evaluate(RUNTIME_SOURCE_NAME, "[typeof ''.class, typeof (0).bytes, typeof true.class].join()");
        if (!"undefined,undefined,undefined".equals(kinds)) {
            throw new IllegalStateException("primitives reach Java members: the engine's class loader did not find "
                    + JavaMemberBarrier.class.getName() + " in META-INF/services (" + kinds + ")");
        }
    }

    /**
     * The regex and string-length defences depend on mik's RegExpFactory and ConsString shadowing
     * nashorn-core's, which holds when the application's classes come before its libraries.
     */
    private static void requireShadowedNashornClasses() {
        if (!(RegExpFactory.create("a", "") instanceof GuardedRegExp)) {
            throw new IllegalStateException("nashorn-core's RegExpFactory was loaded instead of mik's guarded one, "
                    + "from " + RegExpFactory.class.getProtectionDomain().getCodeSource());
        }
        String half = "x".repeat(MAX_STRING_LENGTH / 2 + 1);
        try {
            new ConsString(half, half);
        } catch (IllegalArgumentException expected) {
            return;
        }
        throw new IllegalStateException("nashorn-core's ConsString was loaded instead of mik's capped one, from "
                + ConsString.class.getProtectionDomain().getCodeSource());
    }
}

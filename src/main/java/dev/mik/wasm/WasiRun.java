package dev.mik.wasm;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasi.WasiPreview1;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What one run's guest reaches through the forwarding WASI functions: its own WASI context, stdin, arguments and
 * environment, bound to the thread that runs it ({@link #bind}). The context is made without the arguments and
 * environment, which {@link WasiCalls} writes from here: Chicory's context would convert and copy both again for
 * every run. The calls a command makes on every run are made directly ({@link WasiCalls}); Chicory's generated host
 * functions, 46 of them and their closures, are made for a run only when it calls one of the others.
 */
final class WasiRun {

    /** The run whose guest this thread runs now. */
    private static final ThreadLocal<WasiRun> CURRENT = new ThreadLocal<>();

    private final Instance instance;
    final WasiPreview1 wasi;
    final Stdin stdin;
    /** Each argument in UTF-8, without its terminating NUL. */
    final byte[][] arguments;
    /**
     * Each variable as {@code NAME=value} and its NUL, in UTF-8, in the input's order: written at once, as Chicory
     * does.
     */
    final byte[][] environment;
    /** Whether descriptor 0 was closed or renumbered: then it is no longer {@link #stdin}'s to answer. */
    boolean stdinMoved;
    private WasmFunctionHandle[] generated;

    WasiRun(Instance instance, WasiPreview1 wasi, Stdin stdin, List<String> arguments,
            Map<String, String> environment) {
        this.instance = instance;
        this.wasi = wasi;
        this.stdin = stdin;
        this.arguments = new byte[arguments.size()][];
        for (int i = 0; i < this.arguments.length; i++) {
            this.arguments[i] = arguments.get(i).getBytes(StandardCharsets.UTF_8);
        }
        this.environment = new byte[environment.size()][];
        int i = 0;
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            this.environment[i++] = (variable.getKey() + "=" + variable.getValue() + "\0")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Binds {@code run} to this thread while its guest runs; give what this returns to {@link #unbind}. */
    static WasiRun bind(WasiRun run) {
        WasiRun outer = CURRENT.get();
        CURRENT.set(run);
        return outer;
    }

    /** Ends this thread's binding, going back to {@code outer} (null: none; a pooled thread keeps nothing). */
    static void unbind(WasiRun outer) {
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }

    /** The run on this thread, which must be {@code caller}'s. */
    static WasiRun of(Instance caller) {
        WasiRun run = CURRENT.get();
        if (run == null || run.instance != caller) {
            throw new IllegalStateException("a WASI function was called outside its instance's run");
        }
        return run;
    }

    /** Chicory's generated function {@code index} bound to this run's context (one thread uses a run). */
    WasmFunctionHandle generated(int index) {
        if (generated == null) {
            HostFunction[] functions = wasi.toHostFunctions();
            generated = new WasmFunctionHandle[functions.length];
            for (int i = 0; i < functions.length; i++) {
                generated[i] = functions[i].handle();
            }
        }
        return generated[index];
    }
}

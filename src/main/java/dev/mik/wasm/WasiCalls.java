package dev.mik.wasm;

import com.dylibso.chicory.wasi.WasiPreview1;

import java.util.Map;
import java.util.Set;

/**
 * The WASI functions a command calls on nearly every run (its arguments and environment, stdio, the clock, random
 * bytes, exit), each made as a call on a run's {@link WasiPreview1} directly, with the same arguments and result
 * Chicory's generated host function gives it. Binding Chicory's generated functions to a run's context costs 46 host
 * functions and their closures per run; these need none. A WASI function not named here still runs through the
 * generated one. {@code WasiCallsTest} holds each to its generated function over seeded arguments.
 */
final class WasiCalls {

    private static final Map<String, WasiCall> DIRECT = Map.ofEntries(
            Map.entry("args_get", (wasi, instance, args) -> result(
                    wasi.argsGet(instance.memory(), (int) args[0], (int) args[1]))),
            Map.entry("args_sizes_get", (wasi, instance, args) -> result(
                    wasi.argsSizesGet(instance.memory(), (int) args[0], (int) args[1]))),
            Map.entry("environ_get", (wasi, instance, args) -> result(
                    wasi.environGet(instance.memory(), (int) args[0], (int) args[1]))),
            Map.entry("environ_sizes_get", (wasi, instance, args) -> result(
                    wasi.environSizesGet(instance.memory(), (int) args[0], (int) args[1]))),
            Map.entry("fd_write", (wasi, instance, args) -> result(
                    wasi.fdWrite(instance.memory(), (int) args[0], (int) args[1], (int) args[2], (int) args[3]))),
            Map.entry("fd_read", (wasi, instance, args) -> result(
                    wasi.fdRead(instance.memory(), (int) args[0], (int) args[1], (int) args[2], (int) args[3]))),
            Map.entry("fd_fdstat_get", (wasi, instance, args) -> result(
                    wasi.fdFdstatGet(instance.memory(), (int) args[0], (int) args[1]))),
            Map.entry("fd_prestat_get", (wasi, instance, args) -> result(
                    wasi.fdPrestatGet(instance.memory(), (int) args[0], (int) args[1]))),
            Map.entry("fd_prestat_dir_name", (wasi, instance, args) -> result(
                    wasi.fdPrestatDirName(instance.memory(), (int) args[0], (int) args[1], (int) args[2]))),
            Map.entry("fd_close", (wasi, instance, args) -> result(wasi.fdClose((int) args[0]))),
            Map.entry("fd_seek", (wasi, instance, args) -> result(
                    wasi.fdSeek(instance.memory(), (int) args[0], args[1], (int) args[2], (int) args[3]))),
            Map.entry("clock_time_get", (wasi, instance, args) -> result(
                    wasi.clockTimeGet(instance.memory(), (int) args[0], args[1], (int) args[2]))),
            Map.entry("random_get", (wasi, instance, args) -> result(
                    wasi.randomGet(instance.memory(), (int) args[0], (int) args[1]))),
            Map.entry("proc_exit", (wasi, instance, args) -> {
                wasi.procExit((int) args[0]);
                return null;
            }));

    private WasiCalls() {
    }

    /** The direct call for the WASI function {@code name}, or null when it runs through Chicory's generated one. */
    static WasiCall direct(String name) {
        return DIRECT.get(name);
    }

    /** The names made direct. */
    static Set<String> names() {
        return DIRECT.keySet();
    }

    private static long[] result(int errno) {
        return new long[] {errno};
    }
}

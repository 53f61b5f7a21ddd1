package dev.mik.wasm;

import com.dylibso.chicory.runtime.Memory;

import java.util.Map;
import java.util.Set;

/**
 * The WASI functions a command calls on nearly every run (its arguments and environment, stdio, the clock, random
 * bytes, exit), each made directly on its {@link WasiRun}: the arguments and environment written from the run's own
 * bytes, the others as calls on its WASI context with the arguments and result Chicory's generated host function
 * gives it. {@code fd_close} and {@code fd_renumber} also note when descriptor 0 stops being stdin, after which
 * {@code fd_read} on it is Chicory's, not {@link Stdin}'s. Binding Chicory's generated functions to a run's context
 * costs 46 host functions and their closures per run; these need none. A WASI function not named here still runs
 * through the generated one. {@code WasiCallsTest} holds each to its generated function over seeded arguments, and
 * {@code WasiSequenceRedTeamTest} whole sequences of calls.
 */
final class WasiCalls {

    /** WASI's errno 0, success (Chicory's own enum of them is not public). */
    private static final int SUCCESS = 0;

    private static final Map<String, WasiCall> DIRECT = Map.ofEntries(
            Map.entry("args_get", (run, instance, args) ->
                    arguments(instance.memory(), run.arguments, (int) args[0], (int) args[1])),
            Map.entry("args_sizes_get", (run, instance, args) ->
                    sizes(instance.memory(), run.arguments, 1, (int) args[0], (int) args[1])),
            Map.entry("environ_get", (run, instance, args) ->
                    environment(instance.memory(), run.environment, (int) args[0], (int) args[1])),
            Map.entry("environ_sizes_get", (run, instance, args) ->
                    sizes(instance.memory(), run.environment, 0, (int) args[0], (int) args[1])),
            Map.entry("fd_write", (run, instance, args) -> result(
                    run.wasi.fdWrite(instance.memory(), (int) args[0], (int) args[1], (int) args[2], (int) args[3]))),
            Map.entry("fd_read", (run, instance, args) -> result(
                    run.wasi.fdRead(instance.memory(), (int) args[0], (int) args[1], (int) args[2], (int) args[3]))),
            Map.entry("fd_fdstat_get", (run, instance, args) -> result(
                    run.wasi.fdFdstatGet(instance.memory(), (int) args[0], (int) args[1]))),
            Map.entry("fd_prestat_get", (run, instance, args) -> result(
                    run.wasi.fdPrestatGet(instance.memory(), (int) args[0], (int) args[1]))),
            Map.entry("fd_prestat_dir_name", (run, instance, args) -> result(
                    run.wasi.fdPrestatDirName(instance.memory(), (int) args[0], (int) args[1], (int) args[2]))),
            Map.entry("fd_close", (run, instance, args) -> {
                int errno = run.wasi.fdClose((int) args[0]);
                run.stdinMoved |= errno == SUCCESS && (int) args[0] == 0;
                return result(errno);
            }),
            Map.entry("fd_renumber", (run, instance, args) -> {
                int errno = run.wasi.fdRenumber((int) args[0], (int) args[1]);
                run.stdinMoved |= errno == SUCCESS && (int) args[0] != (int) args[1]
                        && ((int) args[0] == 0 || (int) args[1] == 0);
                return result(errno);
            }),
            Map.entry("fd_seek", (run, instance, args) -> result(
                    run.wasi.fdSeek(instance.memory(), (int) args[0], args[1], (int) args[2], (int) args[3]))),
            Map.entry("clock_time_get", (run, instance, args) -> result(
                    run.wasi.clockTimeGet(instance.memory(), (int) args[0], args[1], (int) args[2]))),
            Map.entry("random_get", (run, instance, args) -> result(
                    run.wasi.randomGet(instance.memory(), (int) args[0], (int) args[1]))),
            Map.entry("proc_exit", (run, instance, args) -> {
                run.wasi.procExit((int) args[0]);
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

    /**
     * {@code args_get}: each argument's address at {@code pointers}, one after another, and the argument at
     * {@code buffer}, then its NUL, one after another.
     */
    private static long[] arguments(Memory memory, byte[][] arguments, int pointers, int buffer) {
        for (byte[] argument : arguments) {
            memory.writeI32(pointers, buffer);
            pointers += 4;
            memory.write(buffer, argument);
            buffer += argument.length;
            memory.writeByte(buffer, (byte) 0);
            buffer++;
        }
        return result(SUCCESS);
    }

    /**
     * {@code environ_get}: each variable's address at {@code pointers}, one after another, and the variable with its
     * NUL, written at once, at {@code buffer}, one after another.
     */
    private static long[] environment(Memory memory, byte[][] variables, int pointers, int buffer) {
        for (byte[] variable : variables) {
            memory.writeI32(pointers, buffer);
            pointers += 4;
            memory.write(buffer, variable);
            buffer += variable.length;
        }
        return result(SUCCESS);
    }

    /**
     * {@code args_sizes_get} and {@code environ_sizes_get}: the count, and the bytes the strings take with their NULs
     * ({@code unterminated}: 1 when the strings are held without theirs).
     */
    private static long[] sizes(Memory memory, byte[][] strings, int unterminated, int count, int bytes) {
        int size = 0;
        for (byte[] string : strings) {
            size += string.length + unterminated;
        }
        memory.writeI32(count, strings.length);
        memory.writeI32(bytes, size);
        return result(SUCCESS);
    }

    private static long[] result(int errno) {
        return new long[] {errno};
    }
}

package dev.mik.wasm;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ValType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Each WASI call made directly must do what Chicory's generated host function does: for seeded arguments (mostly
 * inside the guest's memory, some at or past its end, some descriptors that do not exist), both are called on twin
 * contexts with twin memories, and the result, the exception, the memory and the bytes written must be the same.
 */
class WasiCallsTest {

    private static final long SEED = 0x5EED_CA11L;
    private static final int CALLS_PER_FUNCTION = 2_000;
    private static final int PAGE = 65_536;
    private static final long REALTIME = 0;
    private static final long MONOTONIC = 1;
    /** A module with one memory of one page and nothing else. */
    private static final byte[] ONE_PAGE = {0, 'a', 's', 'm', 1, 0, 0, 0, 5, 3, 1, 0, 1};

    @Test
    void everyDirectCallDoesWhatTheGeneratedFunctionDoes() {
        WasmModule module = Parser.parse(ONE_PAGE);
        HostFunction[] signatures = twin(module, 0).wasi().toHostFunctions();
        int compared = 0;
        for (String name : WasiCalls.names()) {
            HostFunction signature = Arrays.stream(signatures).filter(f -> f.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " is not a WASI preview 1 function"));
            WasiCall direct = WasiCalls.direct(name);
            Random random = new Random(SEED ^ name.hashCode());
            for (int i = 0; i < CALLS_PER_FUNCTION; i++) {
                long[] args = arguments(signature.functionType().params(), random);
                if (name.equals("clock_time_get") && args[0] == MONOTONIC) {
                    args[0] = REALTIME; // the monotonic clock is the JVM's nanoTime, not the context's clock
                }
                long seed = random.nextLong();
                Twin viaDirect = twin(module, seed);
                Twin viaGenerated = twin(module, seed);
                Object directOutcome = outcome(() -> direct.call(viaDirect.run, viaDirect.instance, args.clone()));
                HostFunction generated = Arrays.stream(viaGenerated.wasi().toHostFunctions())
                        .filter(f -> f.name().equals(name)).findFirst().orElseThrow();
                Object generatedOutcome = outcome(
                        () -> generated.handle().apply(viaGenerated.instance, args.clone()));
                String call = name + Arrays.toString(args);
                assertEquals(generatedOutcome, directOutcome, call);
                assertArrayEquals(viaGenerated.memory(), viaDirect.memory(), call + ": memory");
                assertArrayEquals(viaGenerated.stdout.toByteArray(), viaDirect.stdout.toByteArray(), call + ": stdout");
                assertArrayEquals(viaGenerated.stderr.toByteArray(), viaDirect.stderr.toByteArray(), call + ": stderr");
                compared++;
            }
        }
        assertEquals(WasiCalls.names().size() * CALLS_PER_FUNCTION, compared);
    }

    @Test
    void theCommonCallsOfACommandAreDirect() {
        for (String name : List.of("args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "fd_write",
                "fd_read", "proc_exit")) {
            assertNotNull(WasiCalls.direct(name), name);
        }
        assertFalse(WasiCalls.names().contains("path_open"), "file system calls stay with the generated functions");
    }

    /**
     * One of a pair: {@code run} as a run makes it (its WASI context without the arguments and environment, which
     * the run holds), {@link #wasi()} as Chicory's generated functions have it (with both).
     */
    private record Twin(Instance instance, WasiRun run, WasiPreview1 full, ByteArrayOutputStream stdout,
                        ByteArrayOutputStream stderr) {

        WasiPreview1 wasi() {
            return full;
        }

        byte[] memory() {
            return instance.memory().readBytes(0, PAGE);
        }
    }

    /** A context with arguments, environment, stdin, a clock and random bytes all drawn from {@code seed}. */
    private static Twin twin(WasmModule module, long seed) {
        Random random = new Random(seed);
        Instance instance = Instance.builder(module).build();
        byte[] filler = new byte[PAGE];
        random.nextBytes(filler);
        instance.memory().write(0, filler);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        byte[] stdin = new byte[random.nextInt(200)];
        random.nextBytes(stdin);
        List<String> arguments = List.of("handler", "a=" + random.nextInt(), "ü");
        Map<String, String> environment = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            environment.put("NAME_" + i, "value " + random.nextInt() + (random.nextBoolean() ? "é" : ""));
        }
        WasiOptions.Builder full = options(stdin, stdout, stderr, seed).withArguments(arguments);
        environment.forEach(full::withEnvironment);
        WasiPreview1 forRun = WasiPreview1.builder().withOptions(options(stdin, stdout, stderr, seed).build()).build();
        WasiRun run = new WasiRun(instance, forRun, new Stdin(stdin), arguments, environment);
        return new Twin(instance, run, WasiPreview1.builder().withOptions(full.build()).build(), stdout, stderr);
    }

    private static WasiOptions.Builder options(byte[] stdin, ByteArrayOutputStream stdout,
                                               ByteArrayOutputStream stderr, long seed) {
        return WasiOptions.builder()
                .withStdin(new ByteArrayInputStream(stdin))
                .withStdout(stdout)
                .withStderr(stderr)
                .withRandom(new Random(seed))
                .withClock(Clock.fixed(Instant.ofEpochSecond(1_700_000_000L + (seed & 0xffff)), ZoneOffset.UTC));
    }

    /** Pointers mostly inside the page, some at or past its end; descriptors mostly stdio, some not open. */
    private static long[] arguments(List<ValType> params, Random random) {
        long[] args = new long[params.size()];
        for (int i = 0; i < args.length; i++) {
            if (params.get(i).equals(ValType.I64)) {
                args[i] = random.nextInt(8) == 0 ? random.nextLong() : random.nextInt(PAGE);
            } else {
                args[i] = switch (random.nextInt(10)) {
                    case 0 -> random.nextInt();
                    case 1 -> PAGE - random.nextInt(16);
                    case 2, 3 -> random.nextInt(5);
                    default -> random.nextInt(PAGE - 256);
                };
            }
        }
        // iovec counts small enough to read, most of the time
        if (args.length == 4 && random.nextBoolean()) {
            args[2] = random.nextInt(4);
        }
        return args;
    }

    /** The result as a comparable value, or the exception's class and message (an exit's code). */
    private static Object outcome(java.util.function.Supplier<long[]> call) {
        try {
            long[] result = call.get();
            return result == null ? "no result" : Arrays.toString(result);
        } catch (WasiExitException exit) {
            return "exit " + exit.exitCode();
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + Objects.toString(e.getMessage());
        }
    }
}

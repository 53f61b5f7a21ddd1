package dev.mik.wasm;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ValType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sixth red team (2026-12-01), against the runs made cheaper today: a run's WASI context made without arguments and
 * environment (mik writes those), the common calls made directly on the context, Chicory's generated functions bound
 * lazily for the rest, and each module importing only the forwarding functions it names.
 *
 * <p>{@link WasiCallsTest} compares single calls. Here whole sequences of 1-8 calls, mixing direct and generated
 * names, go through the forwarding functions an instance really imports ({@link PreparedInstance#importsOf}) on one
 * run, and are compared after every call with Chicory's generated functions alone on a context with the arguments
 * and environment (so {@link Stdin}'s own {@code fd_read} must answer as Chicory's does, and only while descriptor 0
 * is stdin). The arguments and
 * environment are hostile: non-ASCII, lone surrogates, NULs, empty names and values, {@code =} in names and values,
 * sometimes thousands of them. Descriptors are closed and renumbered between calls, so a direct call and a generated
 * one meet the same descriptor table. A call that throws ends the sequence, as it ends a guest.
 */
class WasiSequenceRedTeamTest {

    private static final long SEED = 0x5E0_0E4CEL;
    private static final int SEQUENCES = 4_000;
    private static final int PAGE = 65_536;
    private static final String WASI = "wasi_snapshot_preview1";
    /** poll_oneoff sleeps for a clock subscription's timeout: random ones would take minutes. */
    private static final Set<String> SKIPPED = Set.of("poll_oneoff");
    private static final List<String> STDIN_CALLS = List.of("fd_close", "fd_renumber", "fd_read");
    private static final HostFunction[] SIGNATURES;

    static {
        try (WasiPreview1 template = WasiPreview1.builder().build()) {
            SIGNATURES = template.toHostFunctions();
        }
    }

    /** A module importing every WASI function, with one page of memory. */
    private static final WasmModule ALL = Parser.parse(module(Arrays.stream(SIGNATURES)
            .map(f -> new Declared(f.module(), f.name(), true, f.functionType().params(),
                    f.functionType().returns()))
            .toList()));

    @Test
    void randomSequencesOnOneRunDoWhatTheGeneratedFunctionsDidBefore() {
        ImportValues forwarding = PreparedInstance.importsOf(ALL);
        assertEquals(SIGNATURES.length, forwarding.functionCount(), "every WASI function is imported once");
        Random random = new Random(SEED);
        int calls = 0;
        int generated = 0;
        for (int sequence = 0; sequence < SEQUENCES; sequence++) {
            long seed = random.nextLong();
            Inputs inputs = Inputs.draw(new Random(seed), sequence % 50 == 0);
            Mik mik = new Mik(forwarding, inputs, seed);
            Reference reference = new Reference(inputs, seed);
            Random calling = new Random(seed ^ 0xCA11);
            int length = 1 + calling.nextInt(8);
            StringBuilder done = new StringBuilder("sequence " + sequence + ":");
            WasiRun outer = WasiRun.bind(mik.run);
            try {
                for (int i = 0; i < length; i++) {
                    HostFunction function = pick(calling);
                    long[] args = arguments(function, calling, mik.instance, reference.instance);
                    done.append(' ').append(function.name()).append(Arrays.toString(args));
                    Object expected = outcome(() -> reference.call(function.name(), args.clone()));
                    Object actual = outcome(() -> mik.call(function.name(), args.clone()));
                    String at = done.toString();
                    assertEquals(expected, actual, at);
                    assertArrayEquals(reference.instance.memory().readBytes(0, PAGE),
                            mik.instance.memory().readBytes(0, PAGE), at + ": memory");
                    assertArrayEquals(reference.stdout.toByteArray(), mik.stdout.toByteArray(), at + ": stdout");
                    assertArrayEquals(reference.stderr.toByteArray(), mik.stderr.toByteArray(), at + ": stderr");
                    calls++;
                    if (WasiCalls.direct(function.name()) == null) {
                        generated++;
                    }
                    if (!(expected instanceof String text && text.startsWith("["))) {
                        break; // the guest ends with the call that threw
                    }
                }
            } finally {
                WasiRun.unbind(outer);
            }
            assertNull(bound(), "a sequence left its run bound");
        }
        assertTrue(calls > SEQUENCES * 2 && generated > SEQUENCES / 2, calls + " calls, " + generated + " generated");
    }

    /**
     * A module's imports, drawn from WASI names with their own signature or another, names outside WASI, WASI names
     * under another module or as a global, and repeats, are refused or linked alike whether its instances get only
     * the forwarding functions it names or all of them, as before today; linked, each import is the function it names.
     */
    @Test
    void aModuleLinksWithItsOwnImportsExactlyAsWithAllOfThem() {
        ImportValues all = PreparedInstance.importsOf(ALL);
        Random random = new Random(SEED ^ 0x1A9047);
        int linked = 0;
        int refused = 0;
        for (int m = 0; m < 3_000; m++) {
            List<Declared> declared = new ArrayList<>();
            for (int i = random.nextInt(7); i >= 0; i--) {
                declared.add(declaration(random, declared));
            }
            WasmModule module = Parser.parse(module(declared));
            Object own = link(module, PreparedInstance.importsOf(module));
            Object withAll = link(module, all);
            String what = declared.toString();
            assertEquals(withAll instanceof Instance ? "linked" : withAll, own instanceof Instance ? "linked" : own,
                    what);
            if (own instanceof Instance instance) {
                linked++;
                int function = 0;
                for (Declared d : declared) {
                    if (d.function) {
                        ImportFunction imported = instance.imports().function(function++);
                        assertEquals(d.module + "." + d.name, imported.module() + "." + imported.name(), what);
                        assertEquals(d.params, imported.paramTypes(), what);
                    }
                }
            } else {
                refused++;
            }
        }
        assertTrue(linked > 300 && refused > 300, linked + " linked, " + refused + " refused");
    }

    /**
     * A forwarding function serves only the instance bound on its thread: an instance's call while another run is
     * bound, or with none, is refused, and binding runs within runs gives each back in turn.
     */
    @Test
    void aForwardingFunctionRefusesEveryInstanceButTheBoundOne() {
        ImportValues forwarding = PreparedInstance.importsOf(ALL);
        Random random = new Random(SEED ^ 0xB1D);
        for (int round = 0; round < 200; round++) {
            Inputs inputs = Inputs.draw(random, false);
            Mik first = new Mik(forwarding, inputs, round);
            Mik second = new Mik(forwarding, inputs, round);
            String name = SIGNATURES[random.nextInt(SIGNATURES.length)].name();
            long[] args = new long[function(name).functionType().params().size()];
            assertThrows(IllegalStateException.class, () -> first.call(name, args.clone()), "nothing bound");
            WasiRun outer = WasiRun.bind(first.run);
            try {
                WasiRun inner = WasiRun.bind(second.run);
                try {
                    assertThrows(IllegalStateException.class, () -> first.call(name, args.clone()), name);
                } finally {
                    WasiRun.unbind(inner);
                }
                assertThrows(IllegalStateException.class, () -> second.call(name, args.clone()), name);
                assertSame(first.run, WasiRun.of(first.instance));
            } finally {
                WasiRun.unbind(outer);
            }
            assertNull(bound());
        }
    }

    // ---- the two sides

    /** A run as mik makes it: its context without arguments and environment, called through forwarding functions. */
    private static final class Mik {
        final Instance instance = Instance.builder(Parser.parse(module(List.of()))).build();
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final WasiRun run;
        final Map<String, ImportFunction> functions = new HashMap<>();

        Mik(ImportValues forwarding, Inputs inputs, long seed) {
            instance.memory().write(0, inputs.memory);
            Stdin stdin = new Stdin(inputs.stdin);
            WasiPreview1 wasi = WasiPreview1.builder()
                    .withOptions(options(inputs, seed).withStdin(stdin).withStdout(stdout).withStderr(stderr).build())
                    .build();
            run = new WasiRun(instance, wasi, stdin, inputs.arguments, inputs.environment);
            for (int i = 0; i < forwarding.functionCount(); i++) {
                ImportFunction function = forwarding.function(i);
                functions.put(function.name(), function);
            }
        }

        long[] call(String name, long[] args) {
            return functions.get(name).handle().apply(instance, args);
        }
    }

    /** Chicory's generated functions on a full context, nothing of mik's. */
    private static final class Reference {
        final Instance instance = Instance.builder(Parser.parse(module(List.of()))).build();
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final Stdin stdin;
        final Map<String, HostFunction> functions = new HashMap<>();

        Reference(Inputs inputs, long seed) {
            instance.memory().write(0, inputs.memory);
            stdin = new Stdin(inputs.stdin);
            WasiOptions.Builder options = options(inputs, seed).withStdin(stdin).withStdout(stdout)
                    .withStderr(stderr).withArguments(inputs.arguments);
            inputs.environment.forEach(options::withEnvironment);
            WasiPreview1 wasi = WasiPreview1.builder().withOptions(options.build()).build();
            for (HostFunction function : wasi.toHostFunctions()) {
                functions.put(function.name(), function);
            }
        }

        long[] call(String name, long[] args) {
            return functions.get(name).handle().apply(instance, args);
        }
    }

    private static WasiOptions.Builder options(Inputs inputs, long seed) {
        return WasiOptions.builder()
                .withRandom(new Random(seed))
                .withClock(Clock.fixed(Instant.ofEpochSecond(1_700_000_000L + (seed & 0xffff)), ZoneOffset.UTC));
    }

    /** One run's arguments, environment, stdin and memory. */
    private record Inputs(List<String> arguments, Map<String, String> environment, byte[] stdin, byte[] memory) {

        static Inputs draw(Random random, boolean many) {
            List<String> arguments = new ArrayList<>();
            int count = many ? 2_000 + random.nextInt(20_000) : random.nextInt(6);
            for (int i = 0; i < count; i++) {
                arguments.add(text(random));
            }
            Map<String, String> environment = new LinkedHashMap<>();
            count = many ? 2_000 + random.nextInt(20_000) : random.nextInt(6);
            for (int i = 0; i < count; i++) {
                environment.put(text(random), text(random));
            }
            byte[] stdin = new byte[random.nextInt(300)];
            random.nextBytes(stdin);
            byte[] memory = new byte[PAGE];
            random.nextBytes(memory);
            return new Inputs(arguments, environment, stdin, memory);
        }

        /** Short text from a hostile alphabet: empty, '=', NUL, non-ASCII, a pair and each half alone. */
        private static String text(Random random) {
            String[] alphabet = {"a", "Z", "=", "\0", "é", "€", "\uD83D\uDE00", "\uD83D", "\uDE00", " ", "\n", "ü=ü"};
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(random.nextInt(4) == 0 ? 40 : 6); i > 0; i--) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            return text.toString();
        }
    }

    // ---- calls

    private static HostFunction pick(Random random) {
        while (true) {
            HostFunction function;
            // the common calls more often, so descriptor changes meet them; and the calls that take stdin away from
            // descriptor 0 and the one that reads it more often still, so a read meets a stdin closed or moved
            int kind = random.nextInt(12);
            if (kind < 3) {
                function = function(STDIN_CALLS.get(random.nextInt(STDIN_CALLS.size())));
            } else if (kind < 7) {
                List<String> direct = new ArrayList<>(WasiCalls.names());
                direct.sort(null);
                function = function(direct.get(random.nextInt(direct.size())));
            } else {
                function = SIGNATURES[random.nextInt(SIGNATURES.length)];
            }
            if (!SKIPPED.contains(function.name())) {
                return function;
            }
        }
    }

    private static HostFunction function(String name) {
        return Arrays.stream(SIGNATURES).filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * Arguments for {@code function}: descriptors 0-4 mostly (stdio, then ones not open), pointers inside the page
     * mostly, lengths small; for a call taking buffers, a vector of them written to both memories alike.
     */
    private static long[] arguments(HostFunction function, Random random, Instance mik, Instance reference) {
        List<ValType> params = function.functionType().params();
        long[] args = new long[params.size()];
        for (int i = 0; i < args.length; i++) {
            if (params.get(i).equals(ValType.I64)) {
                args[i] = random.nextInt(8) == 0 ? random.nextLong() : random.nextInt(PAGE);
            } else if (i == 0 || random.nextInt(4) == 0) {
                args[i] = random.nextInt(12) == 0 ? random.nextInt() : random.nextInt(5);
            } else {
                args[i] = switch (random.nextInt(12)) {
                    case 0 -> random.nextInt();
                    case 1 -> PAGE - random.nextInt(16);
                    case 2 -> random.nextInt(64);
                    default -> random.nextInt(PAGE - 256);
                };
            }
        }
        String name = function.name();
        if (name.equals("clock_time_get") && args[0] == 1) {
            args[0] = 0; // the monotonic clock is the JVM's nanoTime, not the context's clock
        }
        if (name.equals("random_get") && args[1] > 4 * PAGE) {
            args[1] = random.nextInt(PAGE); // not gigabytes of random bytes
        }
        if (Set.of("fd_read", "fd_write", "fd_pread", "fd_pwrite").contains(name) && random.nextInt(5) != 0) {
            int vectors = random.nextInt(PAGE - 512);
            int count = random.nextInt(4);
            args[1] = vectors;
            args[2] = count;
            for (int v = 0; v < count; v++) {
                int base = random.nextInt(PAGE - 512);
                int length = random.nextInt(10) == 0 ? random.nextInt(1_000) : random.nextInt(64);
                for (Instance instance : List.of(mik, reference)) {
                    instance.memory().writeI32(vectors + v * 8, base);
                    instance.memory().writeI32(vectors + v * 8 + 4, length);
                }
            }
        }
        if (name.equals("fd_renumber") || name.equals("fd_close")) {
            args[0] = random.nextInt(4);
        }
        if (name.equals("fd_renumber")) {
            args[1] = random.nextInt(4);
        }
        return args;
    }

    /** The result, or the exception's class and message (an exit's code): what a guest would see. */
    private static Object outcome(Supplier<long[]> call) {
        try {
            long[] result = call.get();
            return result == null ? "[no result]" : Arrays.toString(result);
        } catch (WasiExitException exit) {
            return "exit " + exit.exitCode();
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + Objects.toString(e.getMessage());
        }
    }

    private static WasiRun bound() {
        WasiRun outer = WasiRun.bind(null);
        WasiRun.unbind(outer);
        return outer;
    }

    // ---- imports

    private record Declared(String module, String name, boolean function, List<ValType> params,
                            List<ValType> results) {

        @Override
        public String toString() {
            return module + "." + name + (function ? params + "->" + results : " (global)");
        }
    }

    /** A WASI import as it is, with another signature, under another module or name, as a global, or a repeat. */
    private static Declared declaration(Random random, List<Declared> earlier) {
        if (!earlier.isEmpty() && random.nextInt(5) == 0) {
            return earlier.get(random.nextInt(earlier.size()));
        }
        HostFunction wasi = SIGNATURES[random.nextInt(SIGNATURES.length)];
        List<ValType> params = wasi.functionType().params();
        List<ValType> results = wasi.functionType().returns();
        return switch (random.nextInt(16)) {
            case 0 -> new Declared(WASI, wasi.name(), true, append(params, ValType.I32), results);
            case 1 -> new Declared(WASI, wasi.name(), true, params, List.of());
            case 2 -> new Declared(WASI, wasi.name(), true, params.stream()
                    .map(p -> p.equals(ValType.I32) ? ValType.I64 : ValType.I32).toList(), results);
            case 3 -> new Declared(WASI, wasi.name(), false, List.of(), List.of());
            case 4 -> new Declared(random.nextBoolean() ? "env" : "wasi_unstable", wasi.name(), true, params, results);
            case 5 -> new Declared(WASI, wasi.name() + "_x", true, params, results);
            default -> new Declared(WASI, wasi.name(), true, params, results);
        };
    }

    private static List<ValType> append(List<ValType> list, ValType more) {
        List<ValType> longer = new ArrayList<>(list);
        longer.add(more);
        return longer;
    }

    /** The instance, or the class of what refused it. */
    private static Object link(WasmModule module, ImportValues values) {
        try {
            return Instance.builder(module).withImportValues(values).withStart(false).build();
        } catch (RuntimeException e) {
            return e.getClass().getName();
        }
    }

    /** The binary of a module with {@code imports} (functions of their own type each, or i32 globals) and a page. */
    private static byte[] module(List<Declared> imports) {
        ByteArrayOutputStream types = new ByteArrayOutputStream();
        List<Declared> functions = imports.stream().filter(Declared::function).toList();
        leb(types, functions.size());
        for (Declared function : functions) {
            types.write(0x60);
            valTypes(types, function.params);
            valTypes(types, function.results);
        }
        ByteArrayOutputStream section = new ByteArrayOutputStream();
        leb(section, imports.size());
        int type = 0;
        for (Declared declared : imports) {
            name(section, declared.module);
            name(section, declared.name);
            if (declared.function) {
                section.write(0x00);
                leb(section, type++);
            } else {
                section.write(0x03);
                section.write(0x7f);
                section.write(0x00);
            }
        }
        ByteArrayOutputStream module = new ByteArrayOutputStream();
        module.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        section(module, 1, types.toByteArray());
        section(module, 2, section.toByteArray());
        section(module, 5, new byte[] {1, 0, 1});
        return module.toByteArray();
    }

    private static void valTypes(ByteArrayOutputStream out, List<ValType> types) {
        leb(out, types.size());
        for (ValType type : types) {
            if (type.equals(ValType.I32)) {
                out.write(0x7f);
            } else if (type.equals(ValType.I64)) {
                out.write(0x7e);
            } else {
                throw new AssertionError("a WASI function takes " + type);
            }
        }
    }

    private static void section(ByteArrayOutputStream module, int id, byte[] content) {
        module.write(id);
        leb(module, content.length);
        module.writeBytes(content);
    }

    private static void name(ByteArrayOutputStream out, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        leb(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void leb(ByteArrayOutputStream out, int value) {
        do {
            int b = value & 0x7f;
            value >>>= 7;
            out.write(value == 0 ? b : b | 0x80);
        } while (value != 0);
    }
}

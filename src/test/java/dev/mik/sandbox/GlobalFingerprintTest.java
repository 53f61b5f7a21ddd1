package dev.mik.sandbox;

import dev.mik.sandbox.IsolationAttacks.Attack;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No state survives a run, internal slots included: a fingerprint of the whole hardened global (every shared
 * object's own properties, prototype and extensibility, and what every built-in reader returns for it), taken by
 * trusted code, is the same before and after each script of a large corpus: the escape and runaway suites, the
 * red team's writers, random scripts, and a sweep that calls every built-in with every shared object as
 * {@code this} and seeded arguments. Then a two-run test, and a concurrent one, for each writer.
 */
class GlobalFingerprintTest {

    private static final int SWEEP_CHUNKS = 24;
    private static final int GENERATED_SCRIPTS = 40;
    /** Roomy enough that the sweep chunks and the generated scripts finish. */
    private static final ScriptLimits ROOMY = new ScriptLimits(60_000, 2L << 30, 20);
    private static final ScriptLimits RUNAWAY = new ScriptLimits(500, 64L << 20, 10);

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    private static ScriptObjectMirror fingerprinter;
    private static String lastFingerprint;

    record Script(String name, String source, String input, ScriptLimits limits) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Script> corpus() {
        List<Script> scripts = new ArrayList<>();
        SandboxEscapeTest.attempts().filter(a -> a.outcome() != SandboxEscapeTest.Outcome.REJECTED)
                .forEach(a -> scripts.add(body("escape: " + a.name(), a.body(), SandboxFixture.LIMITS)));
        RunawayScriptTest.runaways().forEach(r -> scripts.add(body("runaway: " + r.name(), r.body(), RUNAWAY)));
        ReviewFindingsTest.replacements().forEach(r -> scripts.add(body("replace: " + r,
                "return ('x'.repeat(9) + 'abdab')" + ".replace(" + r.pattern() + ", " + r.replacement() + ");",
                SandboxFixture.LIMITS)));
        IsolationAttacks.WRITERS.forEach(a -> scripts.add(body("writer: " + a.name(), a.body(), ROOMY)));
        IsolationAttacks.JAVA_OBJECTS.forEach(a -> scripts.add(body("java object: " + a.name(), a.body(), ROOMY)));
        List<String> generated = SeededScripts.generated(SeededScripts.SEED, GENERATED_SCRIPTS);
        IntStream.range(0, generated.size())
                .forEach(i -> scripts.add(body("generated #" + i, generated.get(i), ROOMY)));
        return scripts.stream();
    }

    private static Script body(String name, String body, ScriptLimits limits) {
        return new Script(name, "export default function (input) {\n" + body + "\n}", "{\"s\":\"d\"}", limits);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void aScriptLeavesTheSharedGlobalAsItFoundIt(Script script) throws Exception {
        String before = fingerprint();
        runAnyhow(script.source(), script.input(), script.limits());
        assertUnchanged(before);
    }

    static IntStream sweepChunks() {
        return IntStream.range(0, SWEEP_CHUNKS);
    }

    /** Every built-in, every shared object as {@code this}: each chunk calls its share of all pairs. */
    @ParameterizedTest(name = "sweep chunk {0}")
    @MethodSource("sweepChunks")
    void callingEveryBuiltinOnEverySharedObjectChangesNothing(int chunk) throws Exception {
        String before = fingerprint();
        ScriptResult result;
        try {
            result = fixture.run(fixture.compile(SeededScripts.SWEEP), "{\"chunk\":" + chunk + ",\"chunks\":"
                    + SWEEP_CHUNKS + ",\"seed\":" + (SeededScripts.SEED + chunk) + "}", ROOMY);
        } finally {
            assertUnchanged(before);
        }
        JsonObject counts = Json.createReader(new StringReader(result.json())).readObject();
        assertEquals(counts.getInt("to") - counts.getInt("from"), counts.getInt("calls"), result.json());
        assertTrue(counts.getInt("functions") > 200 && counts.getInt("objects") > 300, result.json());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writers")
    void aWriteToSharedStateIsNotSeenByTheNextRun(Attack writer) throws Exception {
        String pristine = read();
        runAnyhow("export default function (input) {\n" + writer.body() + "\n}", "{}", ROOMY);

        assertEquals(pristine, read());
    }

    static Stream<Attack> writers() {
        return IsolationAttacks.WRITERS.stream();
    }

    @Test
    void concurrentWritersLeaveNothingForConcurrentReaders() throws Exception {
        String pristine = read();
        CompiledScript reader =
                fixture.compile("export default function (input) {\n" + IsolationAttacks.READER + "\n}");
        List<CompiledScript> writers = new ArrayList<>();
        for (Attack writer : IsolationAttacks.WRITERS) {
            writers.add(fixture.compile("export default function (input) {\n" + writer.body() + "\n}"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> reads = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                boolean writes = thread % 2 == 0;
                reads.add(pool.submit(() -> {
                    List<String> seen = new ArrayList<>();
                    for (int round = 0; round < 30; round++) {
                        if (writes) {
                            for (CompiledScript writer : writers) {
                                runAnyhow(writer, "{}", ROOMY);
                            }
                        } else {
                            seen.add(fixture.run(reader, "{}", ROOMY).json());
                        }
                    }
                    return seen;
                }));
            }
            for (Future<List<String>> read : reads) {
                read.get().forEach(seen -> assertEquals(pristine, seen));
            }
        } finally {
            pool.shutdownNow();
        }
        assertUnchanged(fingerprint());
    }

    private static String read() throws Exception {
        return fixture.runBody(IsolationAttacks.READER).json();
    }

    private static void runAnyhow(String source, String input, ScriptLimits limits) throws Exception {
        try {
            runAnyhow(fixture.compile(source), input, limits);
        } catch (ScriptCompileException rejected) {
            // a rejected script never runs
        }
    }

    private static void runAnyhow(CompiledScript script, String input, ScriptLimits limits) throws Exception {
        try {
            fixture.run(script, input, limits);
        } catch (ScriptFailure | ScriptAbortedException | ScriptInputException ended) {
            // how it ended does not matter here, only what it left behind
        }
    }

    private static synchronized String fingerprint() throws Exception {
        if (fingerprinter == null) {
            fingerprinter = TrustedProbe.fingerprinter(fixture.sandbox);
            lastFingerprint = (String) fingerprinter.call(null);
        }
        return lastFingerprint;
    }

    private static synchronized void assertUnchanged(String before) {
        String after = (String) fingerprinter.call(null);
        lastFingerprint = after;
        assertEquals("", difference(before, after), "the shared global changed");
    }

    /** The first differing lines, with some context; empty when the fingerprints are equal. */
    static String difference(String before, String after) {
        if (before.equals(after)) {
            return "";
        }
        String[] a = before.split("\n");
        String[] b = after.split("\n");
        int i = 0;
        while (i < a.length && i < b.length && a[i].equals(b[i])) {
            i++;
        }
        int owner = i;
        while (owner > 0 && !a[Math.min(owner, a.length - 1)].startsWith("#")) {
            owner--;
        }
        return "at line " + i + " (object " + a[Math.min(owner, a.length - 1)] + ")\nbefore: "
                + String.join("\n        ", List.of(a).subList(i, Math.min(a.length, i + 3)))
                + "\nafter:  " + String.join("\n        ", List.of(b).subList(i, Math.min(b.length, i + 3)));
    }
}

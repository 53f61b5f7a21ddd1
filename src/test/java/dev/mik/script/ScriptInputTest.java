package dev.mik.script;

import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.sandbox.ScriptSandbox;
import org.junit.jupiter.api.Test;
import org.openjdk.nashorn.api.scripting.NashornScriptEngineFactory;
import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.script.ScriptEngine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScriptInputTest {

    private static final long SEED = 20261130L;
    private static final int CASES = 4_000;

    /** JSON.parse as the sandbox runs it, returning the number of values it built, or -1 when it refused the text. */
    private static final ScriptObjectMirror JS_COUNT = jsCounter();

    @Test
    void acceptsExactlyWhatTheSandboxsJsonParseAcceptsAndCountsNoFewerValues() {
        Random random = new Random(SEED);
        List<String> disagreements = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < CASES; i++) {
            StringBuilder text = new StringBuilder();
            boolean duplicateFree = generate(random, text, 0);
            if (random.nextBoolean()) {
                mutate(random, text);
                duplicateFree = false;
            }
            String json = text.toString();
            long jsNodes = ((Number) JS_COUNT.call(null, json)).longValue();
            long javaNodes;
            try {
                javaNodes = ScriptInput.of(json.getBytes(StandardCharsets.UTF_8), Long.MAX_VALUE).nodes();
            } catch (ProblemException e) {
                assertEquals(ProblemType.INVALID_INPUT, e.type(), json);
                javaNodes = -1;
            }
            if (json.isBlank()) {
                continue;
            }
            if ((jsNodes < 0) != (javaNodes < 0) || javaNodes < jsNodes || duplicateFree && javaNodes != jsNodes) {
                disagreements.add(json + " js=" + jsNodes + " java=" + javaNodes);
            }
            accepted += jsNodes >= 0 ? 1 : 0;
        }
        assertEquals(List.of(), disagreements);
        assertTrue(accepted > CASES / 3 && accepted < CASES, "a corpus of both kinds: " + accepted + " accepted");
    }

    @Test
    void theRedTeamsEmptyObjectFloodIsRefusedAs413AtTheNodeLimit() {
        byte[] flood = ("[" + "{},".repeat(3_400_000) + "{}]").getBytes(StandardCharsets.US_ASCII);
        long started = System.nanoTime();
        ProblemException refused = assertThrows(ProblemException.class, () -> ScriptInput.of(flood, 100_000));
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertEquals(ProblemType.REQUEST_TOO_LARGE, refused.type());
        assertEquals("nodes", refused.extensions().get("limit"));
        assertTrue(millis < 2_000, "refused after " + millis + " ms");
    }

    @Test
    void countsAtTheLimitAndRefusesOneMore() {
        String hundred = "[" + "1,".repeat(99) + "1]";
        assertEquals(101, ScriptInput.of(bytes(hundred), 101).nodes());
        ProblemException refused = assertThrows(ProblemException.class, () -> ScriptInput.of(bytes(hundred), 100));
        assertEquals(ProblemType.REQUEST_TOO_LARGE, refused.type());
    }

    @Test
    void nestingAndWidthLimitsAreRequestTooLarge() {
        int deepest = ScriptSandbox.MAX_INPUT_NESTING;
        assertEquals(deepest, ScriptInput.of(bytes("[".repeat(deepest) + "]".repeat(deepest)), 1_000).nodes());
        ProblemException deep = assertThrows(ProblemException.class,
                () -> ScriptInput.of(bytes("[".repeat(deepest + 1) + "]".repeat(deepest + 1)), 1_000));
        assertEquals("depth", deep.extensions().get("limit"));
        assertEquals(ProblemType.REQUEST_TOO_LARGE, deep.type());

        StringBuilder wide = new StringBuilder("{");
        for (int i = 0; i <= ScriptInput.MAX_OBJECT_MEMBERS; i++) {
            wide.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":0");
        }
        ProblemException members = assertThrows(ProblemException.class,
                () -> ScriptInput.of(bytes(wide.append('}').toString()), 1_000_000));
        assertEquals("members", members.extensions().get("limit"));
        // the member count is per object: many objects each under the cap are fine
        String many = "[" + ("{\"a\":1},".repeat(ScriptInput.MAX_OBJECT_MEMBERS)) + "{\"a\":1}]";
        assertEquals(2L * ScriptInput.MAX_OBJECT_MEMBERS + 3, ScriptInput.of(bytes(many), 1_000_000).nodes());
    }

    @Test
    void emptyOrBlankBodyIsNullInputThatReservesNothing() {
        for (String blank : List.of("", " ", "\n\t ")) {
            ScriptInput input = ScriptInput.of(bytes(blank), 1);
            assertNull(input.text());
            assertEquals(0, input.estimatedHeapBytes());
        }
    }

    @Test
    void malformedBodyIsInvalidInputNamingNoJavaClass() {
        for (String bad : List.of("{not json", "[1,", "{} {}", "1 2", "\"open", "[1]]", "{\"a\" 1}")) {
            ProblemException refused = assertThrows(ProblemException.class, () -> ScriptInput.of(bytes(bad), 100),
                    bad);
            assertEquals(ProblemType.INVALID_INPUT, refused.type(), bad);
            assertTrue(!refused.detail().contains("jakarta.") && !refused.detail().contains("org."), refused.detail());
        }
    }

    @Test
    void estimateCoversTheTextAndEveryValue() {
        ScriptInput input = ScriptInput.of(bytes("[{},{}]"), 100);
        assertEquals(3, input.nodes());
        assertEquals(2L * 7 + 3 * ScriptInput.BYTES_PER_NODE, input.estimatedHeapBytes());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Appends a random JSON value; false when an object in it repeats a key. */
    private static boolean generate(Random random, StringBuilder out, int depth) {
        space(random, out);
        int kind = depth > 4 ? 2 + random.nextInt(5) : random.nextInt(7);
        boolean unique = true;
        switch (kind) {
            case 0 -> {
                out.append('[');
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    out.append(i > 0 ? "," : "");
                    unique &= generate(random, out, depth + 1);
                }
                space(random, out);
                out.append(']');
            }
            case 1 -> {
                out.append('{');
                int n = random.nextInt(4);
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String key = "k" + random.nextInt(4);
                    unique &= !keys.contains(key);
                    keys.add(key);
                    out.append(i > 0 ? "," : "");
                    space(random, out);
                    out.append('"').append(key).append('"');
                    space(random, out);
                    out.append(':');
                    unique &= generate(random, out, depth + 1);
                }
                space(random, out);
                out.append('}');
            }
            case 2 -> out.append(List.of("0", "-1", "3.25", "1e3", "-0.5E-2", "12345678901234567890", "1e400")
                    .get(random.nextInt(7)));
            case 3 -> out.append(List.of("\"\"", "\"a b\"", "\"\\u00e9\\n\"", "\"\\\"q\\\\\"", "\"\u00fc\u2028\"",
                    "\"\\ud83d\\ude00\"").get(random.nextInt(6)));
            case 4 -> out.append(List.of("true", "false", "null").get(random.nextInt(3)));
            case 5 -> out.append("[]");
            default -> out.append("{}");
        }
        space(random, out);
        return unique;
    }

    private static void space(Random random, StringBuilder out) {
        if (random.nextInt(4) == 0) {
            out.append(List.of(" ", "\n", "\t", "\r\n ").get(random.nextInt(4)));
        }
    }

    /** One to three edits that often break the text: JSON's own characters and a few it forbids. */
    private static void mutate(Random random, StringBuilder text) {
        String alphabet = "{}[],:\"\\ 0-.eE+tfnul\t\u0001\u00a0x'/";
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            int at = text.length() == 0 ? 0 : random.nextInt(text.length());
            switch (random.nextInt(3)) {
                case 0 -> {
                    if (text.length() > 0) {
                        text.deleteCharAt(at);
                    }
                }
                case 1 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                default -> text.insert(at, text.substring(at, Math.min(text.length(), at + random.nextInt(4))));
            }
        }
    }

    private static ScriptObjectMirror jsCounter() {
        ScriptEngine engine = new NashornScriptEngineFactory().getScriptEngine("--language=es6");
        try {
            return (ScriptObjectMirror) engine.eval("""
                    (function (text) {
                      var value;
                      try { value = JSON.parse(text); } catch (e) { return -1; }
                      function count(v) {
                        if (v === null || typeof v !== 'object') { return 1; }
                        var n = 1;
                        Object.keys(v).forEach(function (k) { n += count(v[k]); });
                        return n;
                      }
                      return count(value);
                    })""");
        } catch (javax.script.ScriptException e) {
            throw new IllegalStateException(e);
        }
    }
}

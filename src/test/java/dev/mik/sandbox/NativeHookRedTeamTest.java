package dev.mik.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.nashorn.api.scripting.NashornScriptEngineFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.script.ScriptEngine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Third red team (2026-12-01), against natives that loop over elements and call each element's conversion hook: a
 * hook that is itself a native (a String object's own {@code valueOf}, a bound native) runs no script code, so
 * nothing checked the guard between elements. Found: one {@code toLocaleString} ran 30 s and took 3.4 GB of heap, a
 * default {@code sort} of String objects ran 3–7 s past a 1 s deadline, {@code a.map(isNaN)} over objects holding
 * 4 Mi digits 8 s, and {@code join} read each element twice (a getter answered the measuring pass short and the native
 * join long). Each case here failed before its fix. The walk crosses every hostile element kind with every
 * element-converting method, so a method or a hook kind added later meets the others.
 */
class NativeHookRedTeamTest {

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    /** Elements whose conversion runs no script code and answers a string of 2 Mi characters ({@code big}). */
    private static final List<String> HOSTILE_ELEMENTS = List.of(
            // a String object: its valueOf and toString are String.prototype's natives
            "new String(big)",
            // a String object whose own toLocaleString is a native that answers its string
            "(function () { var s = new String(big); s.toLocaleString = String.prototype.valueOf; return s; })()",
            // a plain object whose hooks are natives bound to the long string
            "{ toString: String.prototype.valueOf.bind(big), valueOf: String.prototype.valueOf.bind(big),"
                    + " toLocaleString: String.prototype.valueOf.bind(big) }");

    /** What is done with an array of 100,000 such elements: each method converts every element it meets. */
    private static final List<String> USES = List.of(
            "a.toLocaleString().length",
            "a.join('').length",
            "String(a).length",
            "a.sort().length",
            "a.map(isNaN).length",
            "a.filter(isFinite).length",
            "a.map(Math.abs).length",
            "JSON.stringify(a).length",
            "JSON.stringify(a.map(function (e) { return { e: e }; }), null, 2).length");

    static List<String[]> cases() {
        List<String[]> cases = new ArrayList<>();
        for (String element : HOSTILE_ELEMENTS) {
            for (String use : USES) {
                cases.add(new String[] {element, use});
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("cases")
    void aNativeLoopOverHostileElementsEndsWithinTheBounds(String element, String use) throws Exception {
        // two elements whose strings share a prefix of 2 Mi digits: comparing them scans it, converting parses it
        fixture.assertBounded("var digits = '1'.repeat(2000000);\n"
                + "function make(big) { return " + element + "; }\n"
                + "var a = [make(digits + '1'), make(digits + '2')];\n"
                + "while (a.length < 100000) { a = a.concat(a); } a = a.slice(0, 100000);\n"
                + "return " + use + ";");
    }

    /** A getter that answers a short string to the measuring pass and a long one after: join reads each once. */
    @Test
    void joinReadsEachElementOnce() throws Exception {
        fixture.assertBounded("var big = 'x'.repeat(1000000), n = 2000, stack = [], a = [];\n"
                + "for (var i = 0; i < n; i++) { stack.push(big); }\n"
                + "for (var i = 0; i < n; i++) { stack.push('a'); }\n"
                + "var pop = Array.prototype.pop.bind(stack);\n"
                + "for (var i = 0; i < n; i++) { Object.defineProperty(a, i, { get: pop, enumerable: true }); }\n"
                + "return a.join('').length;");
    }

    /**
     * {@code JSON.stringify} writes a String object as its string, converting it after the measuring replacer saw
     * it: it was counted as an empty object, so 200 objects of one 4 Mi string passed the 8 Mi cap (the run's
     * allocation budget stopped it later, with more heap taken than the cap allows).
     */
    @Test
    void stringifyMeasuresAStringObjectByItsString() {
        ScriptFailure failure = assertThrows(ScriptFailure.class, () -> fixture.runBody(
                "var big = 'x'.repeat(1 << 22), a = [];\n"
                        + "for (var i = 0; i < 200; i++) { a.push(new String(big)); }\n"
                        + "return JSON.stringify(a).length;"));
        String cap = "JSON.stringify: the result would exceed " + BuiltinCaps.MAX_JSON_LENGTH;
        assertTrue(failure.getDetail().contains(cap), failure.getDetail());
    }

    /**
     * A key an array replacer names twice is written once, as the standard says; Nashorn's own writes it as often as
     * it is named, which a measure of each value once could not bound.
     */
    @Test
    void aKeyListedTwiceIsWrittenOnce() throws Exception {
        assertEquals("[\"{\\\"a\\\":1,\\\"b\\\":2}\"]",
                fixture.runBody("return [JSON.stringify({ a: 1, b: 2 }, ['a', 'b', 'a', new String('a')])];").json());
    }

    /** With an array replacer too, a cycle is refused as the native refuses it, and a shared object written twice. */
    @Test
    void anArrayReplacerRefusesACycleAndWritesASharedObjectTwice() throws Exception {
        String body = "var o = { a: 1 }, c = { a: 2 }; c.b = c;"
                + " var out = [JSON.stringify({ a: o, b: [o, o] }, ['a', 'b'])];"
                + " try { JSON.stringify(c, ['a', 'b']); out.push('no error'); } catch (e) { out.push(e.name); }"
                + " return out;";
        String expected = (String) PLAIN.eval("JSON.stringify((function () {" + body + "})())");
        assertEquals(expected, fixture.runBody(body).json());
        assertTrue(expected.contains("TypeError"), expected);
    }

    /** The plain engine, with the sandbox's language options: what the native {@code JSON.stringify} writes. */
    private static final ScriptEngine PLAIN =
            new NashornScriptEngineFactory().getScriptEngine("--language=es6", "-strict");

    /**
     * The sandbox's {@code JSON.stringify} writes what the native one writes, over a seeded corpus of values that
     * mix primitives, wrapper objects (some with their own {@code toString} or {@code valueOf}), {@code toJSON},
     * nested arrays and objects (an array-index key among their members), with and without a replacer function or
     * list and a gap.
     */
    @Test
    void stringifyWritesWhatTheNativeWrites() throws Exception {
        Random random = new Random(20261201);
        String[] replacers = {"undefined", "function (k, v) { return typeof v === 'number' ? v + 1 : v; }",
            "function (k, v) { return typeof v === 'string' ? new String(v + '!') : v; }",
            "function (k, v) { return k === 'drop' ? undefined : v; }", "['k2', 'k1', '7']",
            "[new String('k1'), 7, 'drop', {}]", "[]"};
        String[] gaps = {"undefined", "2", "'--'"};
        for (int i = 0; i < 300; i++) {
            String call = "JSON.stringify(" + value(random, 3) + ", " + replacers[random.nextInt(replacers.length)]
                    + ", " + gaps[random.nextInt(gaps.length)] + ")";
            String expected = (String) PLAIN.eval("JSON.stringify([" + call + "])");
            assertEquals(expected, fixture.runBody("return [" + call + "];").json(), call);
        }
    }

    /** String literals, escapes and a control character among them. */
    private static final List<String> TEXTS = List.of("''", "'a'", "'ab c'", "'\\u0001'", "'q\\\"'", "'\\n\\t'");

    private static String value(Random random, int depth) {
        int kind = random.nextInt(depth > 0 ? 14 : 10);
        String text = TEXTS.get(random.nextInt(TEXTS.size()));
        return switch (kind) {
            case 0 -> Integer.toString(random.nextInt(2000) - 1000);
            case 1 -> text;
            case 2 -> random.nextBoolean() ? "true" : "null";
            case 3 -> "new String(" + text + ")";
            case 4 -> "new Number(" + random.nextInt(100) + ".5)";
            case 5 -> "Object(false)";
            case 6 -> "(function () { var s = new String('s'); Object.defineProperty(s, 'toString', { value: "
                    + "function () { return " + text + "; } }); return s; })()";
            case 7 -> "(function () { var n = new Number(1); Object.defineProperty(n, 'valueOf', { value: "
                    + "function () { return 42; } }); return n; })()";
            case 8 -> "{ toJSON: function () { return new String(" + text + "); } }";
            case 9 -> "undefined";
            case 10, 11 -> {
                List<String> items = new ArrayList<>();
                for (int n = random.nextInt(4); n > 0; n--) {
                    items.add(value(random, depth - 1));
                }
                yield "[" + String.join(", ", items) + "]";
            }
            default -> {
                List<String> members = new ArrayList<>();
                for (int n = random.nextInt(4); n > 0; n--) {
                    String name = switch (random.nextInt(6)) {
                        case 0 -> "drop";
                        case 1 -> "'7'";
                        default -> "k" + n;
                    };
                    members.add(name + ": " + value(random, depth - 1));
                }
                yield "{" + String.join(", ", members) + "}";
            }
        };
    }
}

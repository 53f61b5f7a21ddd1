package dev.mik.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openjdk.nashorn.api.scripting.NashornScriptEngineFactory;

import javax.script.ScriptEngine;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fifth red team (2026-12-01, h-red2), against the array-replacer copy of {@code JSON.stringify} (builtin-caps.js
 * unwrapped, propertyList, copied, boundedStringify). Each finding failed here before its fix, and passes now: the
 * joining of nested levels is limited to 16 times the cap in characters copied, copies have no prototype, and a
 * replacer list is written from the copies as they are (a second pass over the list only when it names an array
 * index, its lookups capped):
 *
 * <ul>
 * <li>Deep nesting: Nashorn writes each array or object level by joining its children's finished texts, so every
 * character is copied once per enclosing level after the measure's last check. A 4 Mi string under 1,000 arrays
 * (no replacer, no gap): 15,317 MiB allocated, 1.1-2.2 s for a 1 s deadline (aLongStringUnderDeepArrays...); with an
 * array replacer both native passes do it (2.4-2.6 s). 1,200 empty objects at depth 500 with gap 10: 15 GB without
 * a replacer, 31 GB with ['x'] (controlsWithoutTheHiddenMember...).</li>
 * <li>A null-prototype object with '__proto__' listed: the copy ({}) answers Object.prototype in the writing pass,
 * so the text has a member the native does not write and the measure never saw (protoKeyOnANullPrototypeObject,
 * arrayReplacersWriteWhatTheNativeWrites: 3 of 300); with a gap at depth 500, 79 GB and 6.3-7.4 s
 * (nullPrototypeObjects...).</li>
 * <li>The writing pass's key lookups took about as long as the measure's (in the plain engine the writing pass
 * alone took about half of both passes: 836 ms alone vs
 * 1,746 ms for both), unguarded: a measure calibrated to end just before the deadline runs 1.5-1.8 s past a 5 s
 * deadline (manyObjectsTimesALongListWithALargeBudget), and up to 1,624 ms for the default 1 s one (timing-dependent:
 * manyObjectsTimesALongListWithTheDefaultLimits passes on some runs).</li>
 * </ul>
 */
class ArrayReplacerRedTeamTest {

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    private static final ScriptEngine PLAIN =
            new NashornScriptEngineFactory().getScriptEngine("--language=es6", "-strict");

    private static void sameAsPlain(String body) throws Exception {
        String expected = (String) PLAIN.eval("JSON.stringify((function () {" + body + "})())");
        String actual;
        try {
            actual = fixture.runBody(body).json();
        } catch (ScriptFailure e) {
            actual = "ScriptFailure " + e.getDetail();
        }
        assertEquals(expected, actual, body);
    }

    @Test
    void aToStringTagOnAStringObjectChangesNothing() throws Exception {
        sameAsPlain("var s = new String('abc'); try { Object.defineProperty(s, Symbol.toStringTag, { value: 'X' }); }"
                + " catch (e) { return ['defineFailed', String(e)]; }"
                + " return [Object.prototype.toString.call(s), JSON.stringify([s]), JSON.stringify([s], ['0'])];");
    }

    @Test
    void aFakeStringTagMakesNoStringObject() throws Exception {
        sameAsPlain("var o = { toString: function () { return 'zz'; }, a: 1 };"
                + " try { Object.defineProperty(o, Symbol.toStringTag, { value: 'String' }); }"
                + " catch (e) { return String(e); }"
                + " return [Object.prototype.toString.call(o), JSON.stringify([o]),"
                + " JSON.stringify({ x: o }, ['x', 'a'])];");
    }

    @Test
    void protoKeyOnANullPrototypeObject() throws Exception {
        sameAsPlain("var o = Object.create(null); o.a = 1;"
                + " return [JSON.stringify(o, ['a', '__proto__']), JSON.stringify({ a: 2 }, ['a', '__proto__'])];");
    }

    @Test
    void protoKeyOnAnObjectWithAPrototype() throws Exception {
        sameAsPlain("var p = { a: 5 }; var o = Object.create(p); o.b = 1;"
                + " return [JSON.stringify(o, ['a', 'b', '__proto__'])];");
    }

    @Test
    void toJsonKeyListed() throws Exception {
        sameAsPlain("var o = { a: { toJSON: 5, b: 1 }, c: { toJSON: function (k) { return { b: k }; } } };"
                + " return [JSON.stringify(o, ['a', 'b', 'c', 'toJSON'])];");
    }

    private static final ScriptLimits LARGE_BUDGET = new ScriptLimits(5_000, 1L << 30, 10);

    /**
     * Null-prototype objects under an array replacer listing {@code __proto__}: the copy ({}) answers
     * Object.prototype for it in the writing pass, a member the measuring pass never saw, written with four
     * indented lines at the deepest level.
     */
    @Test
    void nullPrototypeObjectsDeepWithAGapEndWithinTheBounds() throws Exception {
        fixture.assertBounded(NULL_PROTO + "return JSON.stringify(a, ['__proto__'], 10).length;");
    }

    /** The same with a 1 Gi budget: the text must still be held to the 8 Mi cap. */
    @Test
    void nullPrototypeObjectsAreHeldToTheCap() throws Exception {
        String source = "export default function (input) {\n" + NULL_PROTO
                + "var t = JSON.stringify(a, ['__proto__'], 10); return [t.length];\n}";
        String out;
        try {
            out = fixture.run(fixture.compile(source), "{}", LARGE_BUDGET).json();
        } catch (ScriptFailure e) {
            out = "failure " + e.getDetail();
        }
        org.junit.jupiter.api.Assertions.assertTrue(out.startsWith("failure") || Long.parseLong(
                out.replaceAll("[^0-9]", "")) <= BuiltinCaps.MAX_JSON_LENGTH, out);
    }

    private static final String NULL_PROTO = "var a = [], d = a;\n"
            + "for (var i = 0; i < 500; i++) { var n = []; d.push(n); d = n; }\n"
            + "for (var j = 0; j < 1200; j++) { d.push(Object.create(null)); }\n";

    /** Controls: the same shape without the hidden member (a list without __proto__; no list). */
    @Test
    void controlsWithoutTheHiddenMemberEndWithinTheBounds() throws Exception {
        fixture.assertBounded(NULL_PROTO + "return JSON.stringify(a, ['x'], 10).length;");
        fixture.assertBounded(NULL_PROTO + "return JSON.stringify(a, null, 10).length;");
    }

    /**
     * One long string at the bottom of deep arrays, no replacer, no gap: the native writes each level by joining its
     * children's finished texts, so the long string is copied once per level after the measure's last check.
     */
    @Test
    void aLongStringUnderDeepArraysEndsWithinTheBounds() throws Exception {
        fixture.assertBounded(deep(1000) + "return JSON.stringify(a).length;");
    }

    private static String deep(int depth) {
        return "var a = [], d = a;\n"
            + "for (var i = 0; i < " + depth + "; i++) { var n = []; d.push(n); d = n; }\n"
            + "d.push('x'.repeat(4000000));\n";
    }

    /** The same under an array replacer: both native passes copy the text once per level. */
    @Test
    void aLongStringUnderDeepArraysWithAnArrayReplacerEndsWithinTheBounds() throws Exception {
        fixture.assertBounded(deep(1000) + "return JSON.stringify(a, ['0']).length;");
    }

    /** A gap String object whose toString answers 10 Mi characters: converted once, ten kept. */
    @Test
    void aHugeGapStringObjectEndsWithinTheBounds() throws Exception {
        fixture.assertBounded("var big = 'x'.repeat(10 << 20), n = 0, s = new String('  ');"
                + " Object.defineProperty(s, 'toString', { value: function () { n++; return big; } });"
                + " var t = JSON.stringify({ a: [1, { b: 2 }] }, ['a', 'b'], s); return [t.length, n];");
        sameAsPlain("var big = 'x', n = 0; for (var q = 0; q < 20; q++) { big += big; } var s = new String('  ');"
                + " Object.defineProperty(s, 'toString', { value: function () { n++; return big; } });"
                + " var t = JSON.stringify({ a: [1, { b: 2 }] }, ['a', 'b'], s); return [t, n];");
    }

    /** A sparse replacer list of the array cap's length, and one whose index getters answer huge String objects. */
    @Test
    void aSparseOrHostileReplacerListEndsWithinTheBounds() throws Exception {
        fixture.assertBounded("var r = []; r.length = 8 << 20; r[5] = 'a';"
                + " return JSON.stringify({ a: 1 }, r).length;");
        fixture.assertBounded("var big = 'k'.repeat(4 << 20), r = [];"
                + " for (var i = 0; i < 64; i++) { Object.defineProperty(r, i, { get: function () {"
                + " var s = new String('a');"
                + " Object.defineProperty(s, 'toString', { value: function () { return big + i; } });"
                + " return s; } }); }"
                + " var o = {}; for (var j = 0; j < 1000; j++) { o['x' + j] = j; }"
                + " return JSON.stringify([o, o, o], r).length;");
    }

    /**
     * Many objects times a long list: the measuring pass reads each listed key of each object in script (ticked),
     * the writing pass looks each up again in one native call. Calibrated in script to end the measure just
     * before the deadline.
     */
    @Test
    void manyObjectsTimesALongListEndWithinTheBounds() throws Exception {
        String body = "var keys = []; for (var i = 0; i < 50000; i++) { keys.push('key' + i); }\n"
                + "var few = []; for (var j = 0; j < 5; j++) { few.push({}); }\n"
                + "var t0 = Date.now(); JSON.stringify(few, keys); var per = (Date.now() - t0 + 1) / 5;\n"
                + "var left = 1000 - (Date.now() - START); var n = Math.max(1, Math.floor(left * 0.9 / per));\n"
                + "var many = []; for (var k = 0; k < n; k++) { many.push({}); }\n"
                + "return [n, JSON.stringify(many, keys).length];";
        fixture.assertBounded("var START = Date.now();\n" + body);
    }

    /**
     * Time only (1 Gi budget, 5 s deadline): the writing pass's lookups (as slow as the measure's, see
     * a plain-engine measurement: the writing pass alone took about half of both passes) after a measure calibrated
     * to end just before the deadline.
     */
    @Test
    void manyObjectsTimesALongListWithALargeBudget() throws Exception {
        long ms = calibrated(LARGE_BUDGET, 5_000, 0.85);
        org.junit.jupiter.api.Assertions.assertTrue(ms <= 5_500, ms + " ms for a 5,000 ms deadline");
    }

    /** The same with the default limits (1 s, 64 MiB). */
    @Test
    void manyObjectsTimesALongListWithTheDefaultLimits() throws Exception {
        long ms = 0;
        for (double factor : new double[] {1.0, 1.1, 1.2, 1.3, 1.45}) {
            ms = Math.max(ms, calibrated(SandboxFixture.LIMITS, 1_000, factor));
        }
        org.junit.jupiter.api.Assertions.assertTrue(ms <= SandboxFixture.BOUND_MS, ms + " ms for a 1,000 ms deadline");
    }

    private static long calibrated(ScriptLimits limits, int deadline, double factor) throws Exception {
        String source = "export default function (input) { var START = Date.now();\n"
                + "var keys = []; for (var i = 0; i < 20000; i++) { keys.push('key' + i); }\n"
                + "function objs(n) { var m = []; for (var k = 0; k < n; k++) { m.push({}); } return m; }\n"
                + "var n = 20, per = 0, left = 0, dt = 0;\n"
                + "while (true) { var t0 = Date.now(); JSON.stringify(objs(n), keys); dt = Date.now() - t0;"
                + " per = dt / n; left = " + deadline + " - (Date.now() - START);"
                + " if (dt * 6 > left) { break; } n *= 2; }\n"
                + "n = Math.max(1, Math.floor(left * " + factor + " / (per * 0.52))); var many = objs(n);\n"
                + "return [n, per, left, JSON.stringify(many, keys).length, Date.now() - START]; }";
        long start = System.nanoTime();
        String out;
        try {
            out = fixture.run(fixture.compile(source), "{}", limits).json();
        } catch (Exception e) {
            out = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        return ms;
    }

    private static final String[] KEYS = {"'a'", "'b'", "'0'", "'1'", "'10'", "1", "2.5", "-0", "1e21",
        "new String('a')", "new Number(1)", "'length'", "'toJSON'", "'__proto__'", "'constructor'", "'01'", "true",
        "null", "{}", "'4294967295'", "'4294967294'"};

    /** A seeded corpus with array replacers against the plain engine (duplicate keys left out: documented). */
    @Test
    void arrayReplacersWriteWhatTheNativeWrites() throws Exception {
        java.util.Random random = new java.util.Random(20261202);
        java.util.List<String> failures = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            java.util.List<String> list = new java.util.ArrayList<>();
            java.util.Set<String> used = new java.util.HashSet<>();
            for (int n = random.nextInt(6); n > 0; n--) {
                String key = KEYS[random.nextInt(KEYS.length)];
                String norm = key.replace("new String(", "").replace("new Number(", "").replace(")", "")
                        .replace("'", "").replace("-0", "0");
                if (used.add(norm)) {
                    list.add(key);
                }
            }
            String call = "JSON.stringify(" + value(random, 3) + ", [" + String.join(", ", list) + "]"
                    + (random.nextBoolean() ? ", 1" : "") + ")";
            String body = "return [" + call + "];";
            String expected;
            try {
                expected = (String) PLAIN.eval("JSON.stringify((function () {" + body + "})())");
            } catch (Exception e) {
                continue;
            }
            String actual;
            try {
                actual = fixture.runBody(body).json();
            } catch (ScriptFailure e) {
                actual = "failure " + e.getDetail();
            }
            if (!expected.equals(actual)) {
                failures.add(call + "\n  plain   " + expected + "\n  sandbox " + actual);
            }
        }
        assertEquals(0, failures.size(),
                failures.size() + " differ, first: " + (failures.isEmpty() ? "" : failures.get(0)));
    }

    private static String value(java.util.Random random, int depth) {
        int kind = random.nextInt(depth > 0 ? 12 : 6);
        return switch (kind) {
            case 0 -> Integer.toString(random.nextInt(20));
            case 1 -> "'s" + random.nextInt(5) + "'";
            case 2 -> "null";
            case 3 -> "new String('w')";
            case 4 -> "undefined";
            case 5 -> "(function () { var o = {}; Object.defineProperty(o, 'a', { get: function () { return 7; },"
                    + " enumerable: " + random.nextBoolean() + " }); o.b = 1; return o; })()";
            case 6, 7 -> {
                java.util.List<String> items = new java.util.ArrayList<>();
                for (int n = random.nextInt(4); n > 0; n--) {
                    items.add(random.nextInt(5) == 0 ? "" : value(random, depth - 1));
                }
                yield "[" + String.join(", ", items) + (random.nextInt(4) == 0 ? ",," : "") + "]";
            }
            case 8 -> "Object.create(null)";
            case 9 -> "{ toJSON: function (k) { return { a: k, b: " + value(random, depth - 1) + " }; } }";
            default -> {
                java.util.List<String> members = new java.util.ArrayList<>();
                for (int n = random.nextInt(5); n > 0; n--) {
                    String name =
                            new String[] {"a", "b", "'0'", "'1'", "'10'", "length", "'01'", "c"}[random.nextInt(8)];
                    members.add(name + ": " + value(random, depth - 1));
                }
                yield "{" + String.join(", ", members) + "}";
            }
        };
    }

    /** A long list of numbers: the sandbox's list, then the native's own copy of it in the writing pass. */
    @Test
    void aLongNumberListEndsWithinTheBounds() throws Exception {
        fixture.assertBounded("var r = []; for (var i = 0; i < 1000000; i++) { r.push(i); }"
                + " return JSON.stringify({ a: 1 }, r).length;");
    }
}

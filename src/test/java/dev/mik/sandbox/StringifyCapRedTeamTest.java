package dev.mik.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fourth red team (2026-12-01), against the measured {@code JSON.stringify} (builtin-caps.js boundedStringify) after
 * the String/Number object conversion: what the measuring replacer does not see.
 *
 * <ul>
 * <li>The gap: measured only when {@code space} is a primitive number or string; the native also accepts a Number
 * or String object (ES5.1 15.12.3), so {@code new Number(10)} writes up to ten spaces per level on every line while
 * the measure counts none. One native call then runs seconds past the deadline and allocates gigabytes.</li>
 * <li>An array replacer: the measure is a first native pass, the text a second one that reads every getter, toJSON
 * and String object's toString again, unmeasured: a value small in the first pass and 4 Mi in the second passes the
 * 8 Mi cap.</li>
 * </ul>
 */
class StringifyCapRedTeamTest {

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    /** A budget large enough that only the cap can stop the array-replacer cases. */
    private static final ScriptLimits LARGE_BUDGET = new ScriptLimits(5_000, 1L << 30, 10);
    private static final String CAP = "JSON.stringify: the result would exceed " + BuiltinCaps.MAX_JSON_LENGTH;

    /** 200 nested arrays, the innermost holding 10,000 zeros: 10 spaces x 200 levels on each of its lines. */
    private static final String DEEP = "var a = [], d = a;\n"
            + "for (var i = 0; i < 200; i++) { var n = []; d.push(n); d = n; }\n"
            + "for (var j = 0; j < 10000; j++) { d.push(0); }\n";

    /** The primitive gap is measured: the same value is refused by the cap at once (passes before and after). */
    @Test
    void aPrimitiveGapIsMeasured() {
        ScriptFailure failure = assertThrows(ScriptFailure.class,
                () -> fixture.runBody(DEEP + "return JSON.stringify(a, null, 10).length;"));
        // the cap, or the limit on what joining the 200 levels would copy, whichever is met first
        assertTrue(failure.getDetail().contains(CAP) || failure.getDetail().contains("joining the nested levels"),
                failure.getDetail());
    }

    /** Was 1.4 s and 8,814 MiB at 150 levels, 12.5 s and 69,915 MiB at 300 levels, for a 1 s deadline. */
    @Test
    void aNumberObjectGapEndsWithinTheBounds() throws Exception {
        fixture.assertBounded(DEEP + "return JSON.stringify(a, null, new Number(10)).length;");
    }

    /** Was 16.5 s and 69,914 MiB at 300 levels. */
    @Test
    void aStringObjectGapEndsWithinTheBounds() throws Exception {
        fixture.assertBounded(DEEP + "return JSON.stringify(a, null, new String('          ')).length;");
    }

    /** Ten objects whose getter answers 'x' to the measuring pass and 4 Mi characters to the writing pass. */
    @Test
    void anArrayReplacerHoldsTheCapAgainstAGetterThatGrows() {
        assertCapped("var big = 'x'.repeat(1 << 22), a = [];\n"
                + "for (var i = 0; i < 10; i++) { (function () { var n = 0, o = {};\n"
                + "  Object.defineProperty(o, 'a', { get: function () { return n++ ? big : 'x'; },\n"
                + "    enumerable: true });\n"
                + "  a.push(o); })(); }\n"
                + "return JSON.stringify(a, ['a']).length;");
    }

    @Test
    void anArrayReplacerHoldsTheCapAgainstAToJsonThatGrows() {
        assertCapped("var big = 'x'.repeat(1 << 22), a = [];\n"
                + "for (var i = 0; i < 10; i++) { (function () { var n = 0;\n"
                + "  a.push({ a: { toJSON: function () { return n++ ? big : 'x'; } } }); })(); }\n"
                + "return JSON.stringify(a, ['a']).length;");
    }

    /** The String object conversion this session added runs in the measuring pass only. */
    @Test
    void anArrayReplacerHoldsTheCapAgainstAStringObjectThatGrows() {
        assertCapped("var big = 'x'.repeat(1 << 22), a = [];\n"
                + "for (var i = 0; i < 10; i++) { (function () { var n = 0, s = new String('x');\n"
                + "  Object.defineProperty(s, 'toString', { value: function () { return n++ ? big : 'x'; } });\n"
                + "  a.push({ a: s }); })(); }\n"
                + "return JSON.stringify(a, ['a']).length;");
    }

    private static void assertCapped(String body) {
        String outcome;
        try {
            outcome = "returned " + fixture.run(fixture.compile("export default function (input) {\n" + body + "\n}"),
                    "{}", LARGE_BUDGET).json();
        } catch (Exception e) {
            outcome = e.getClass().getSimpleName() + ": " + e.getMessage()
                    + (e instanceof ScriptFailure f ? " / " + f.getDetail() : "");
        }
        // each getter, toJSON or toString is read once: the text is what was measured (or the cap refuses it)
        assertTrue(outcome.contains(CAP) || outcome.matches("returned \\d+")
                && Long.parseLong(outcome.substring("returned ".length())) <= BuiltinCaps.MAX_JSON_LENGTH, outcome);
    }
}

package dev.mik.sandbox;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

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
            "a.map(Math.abs).length");

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
    @org.junit.jupiter.api.Test
    void joinReadsEachElementOnce() throws Exception {
        fixture.assertBounded("var big = 'x'.repeat(1000000), n = 2000, stack = [], a = [];\n"
                + "for (var i = 0; i < n; i++) { stack.push(big); }\n"
                + "for (var i = 0; i < n; i++) { stack.push('a'); }\n"
                + "var pop = Array.prototype.pop.bind(stack);\n"
                + "for (var i = 0; i < n; i++) { Object.defineProperty(a, i, { get: pop, enumerable: true }); }\n"
                + "return a.join('').length;");
    }
}

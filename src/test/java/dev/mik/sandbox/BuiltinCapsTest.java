package dev.mik.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Builtins that could run or allocate unboundedly inside one call refuse oversized work with a RangeError. */
class BuiltinCapsTest {

    private static final int STRING = ScriptSandbox.MAX_STRING_LENGTH;
    private static final int ARRAY = BuiltinCaps.MAX_ARRAY_LENGTH;
    /** Roomy enough that the caps, not the allocation budget, decide. */
    private static final ScriptLimits LIMITS = new ScriptLimits(5_000, 512L << 20, 10);

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    record Cap(String name, String withinLimit, String expected, String overLimit) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Cap> caps() {
        return Stream.of(
                new Cap("repeat", "return 'ab'.repeat(" + STRING / 2 + ").length;", String.valueOf(STRING),
                        "return 'ab'.repeat(" + (STRING / 2 + 1) + ");"),
                new Cap("padStart and padEnd",
                        "return 'x'.padStart(" + STRING + ").length + 'x'.padEnd(3, 'ab').length;",
                        String.valueOf(STRING + 3), "return 'x'.padEnd(" + (STRING + 1) + ", 'y');"),
                new Cap("concatenation with +", "var s = 'x'.repeat(" + (STRING - 1) + "); return (s + 'y').length;",
                        String.valueOf(STRING), "var s = 'x'.repeat(" + STRING + "); return (s + 'y').length;"),
                new Cap("String.prototype.concat", "return 'a'.concat('b', 1, null);", "\"ab1null\"",
                        "var s = 'x'.repeat(" + STRING + "); return s.concat('y');"),
                new Cap("Array.prototype.join", "return [1, [2, 3], null, 'x'].join('-');", "\"1-2,3--x\"",
                        "var s = 'x'.repeat(" + (STRING / 2) + "); return [s, s, s].join('');"),
                new Cap("array toString goes through join", "return String([1, 2]);", "\"1,2\"",
                        "return String(new Array(" + (ARRAY + 1) + "));"),
                new Cap("walking a sparse array", "var a = []; a[" + (ARRAY - 1) + "] = 1; return a.indexOf(1);",
                        String.valueOf(ARRAY - 1), "var a = []; a[1e9] = 1; return a.indexOf(2);"),
                new Cap("forEach on a long array", "var n = 0; new Array(10).fill(1).forEach(function (v) { n += v; });"
                        + " return n;", "10", "var a = []; a.length = " + (ARRAY + 1) + "; a.forEach(function () {});"),
                new Cap("split", "return 'a,b,,c'.split(',');", "[\"a\",\"b\",\"\",\"c\"]",
                        "return 'x,'.repeat(" + ARRAY + ").split(',').length;"),
                new Cap("Array.prototype.concat", "return [1].concat([2, 3], 4);", "[1,2,3,4]",
                        "var a = []; a.length = " + ARRAY + "; return a.concat([1]).length;"),
                new Cap("sort without comparator", "return [10, 9, 1].sort();", "[1,10,9]",
                        "var a = []; a.length = " + (BuiltinCaps.MAX_DEFAULT_SORT + 1) + "; return a.sort().length;"),
                new Cap("apply", "return Math.max.apply(null, [1, 5, 3]);", "5",
                        "var a = []; a.length = " + (BuiltinCaps.MAX_APPLY_ARGUMENTS + 1)
                                + "; return Math.max.apply(null, a);"),
                new Cap("JSON.stringify", "return JSON.stringify({a: [1, {b: 'c'}]}, null, 1).length;", "39",
                        "return JSON.stringify({s: 'x'.repeat(" + BuiltinCaps.MAX_JSON_LENGTH + ")});"),
                new Cap("JSON.stringify of a shared DAG", "var a = [1]; for (var i = 0; i < 5; i++) { a = [a, a]; }"
                        + " return JSON.stringify(a).length;", "189",
                        "var a = ['" + "x".repeat(64) + "']; for (var i = 0; i < 30; i++) { a = [a, a]; }"
                                + " return JSON.stringify(a);"),
                new Cap("Array.from",
                        "return Array.from('abc').concat(Array.from({length: 2}, function (v, i) { return i; }));",
                        "[\"a\",\"b\",\"c\",0,1]", "return Array.from({length: " + (ARRAY + 1) + "}).length;"),
                new Cap("fill", "return [1, 2, 3].fill(0, 1);", "[1,0,0]",
                        "var a = []; a.length = " + (ARRAY + 1) + "; return a.fill(0).length;"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("caps")
    void builtinWorksWithinItsCapAndRefusesBeyondIt(Cap cap) throws Exception {
        assertEquals(cap.expected(), run(cap.withinLimit()).json());

        ScriptFailure failure = assertThrows(ScriptFailure.class, () -> run(cap.overLimit()));
        assertTrue(failure.getDetail().startsWith("RangeError"), failure.getDetail());
        fixture.assertHealthy();
    }

    private static ScriptResult run(String body) throws Exception {
        return fixture.run(fixture.compile("export default function (input) {\n" + body + "\n}"), "{}", LIMITS);
    }

    @Test
    void stringMethodsMissingFromNashornFollowTheStandard() throws Exception {
        assertEquals("[true,false,true,true,true,false,\"--5\",\"5--\",128512,\"a \",\" a\",\"x+y+z\",\"a$b\"]",
                fixture.runBody("""
                return ['abc'.startsWith('ab'), 'abc'.startsWith('b'), 'abc'.startsWith('b', 1), 'abc'.endsWith('bc'),
                  'abc'.includes('b'), 'abc'.includes('a', 1), '5'.padStart(3, '-'), '5'.padEnd(3, '-'),
                  '\\ud83d\\ude00'.codePointAt(0), ' a '.trimStart(), ' a '.trimEnd(), 'x.y.z'.replaceAll('.', '+'),
                  'a.b'.replaceAll(/\\./g, '$$')];
                """).json());
    }

    @Test
    void arrayAndObjectHelpersMissingFromNashornFollowTheStandard() throws Exception {
        assertEquals("[true,false,true,3,2,-1,[7,7],[1,2],{\"a\":1,\"b\":2},[1,2],[[\"a\",1],[\"b\",2]]]",
                fixture.runBody("""
                var o = {a: 1, b: 2};
                return [[1, 2].includes(2), [1, 2].includes(3), [NaN].includes(NaN), [1, 3].find(v => v > 2),
                  [1, 3].findIndex(v => v > 2) + 1, [1].findIndex(v => v > 5), new Array(2).fill(7), Array.of(1, 2),
                  Object.assign({}, {a: 1}, {b: 2}), Object.values(o), Object.entries(o)];
                """).json());
    }
}

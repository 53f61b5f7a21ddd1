package dev.mik.sandbox;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openjdk.nashorn.api.scripting.NashornScriptEngineFactory;

import java.util.List;
import java.util.stream.Collectors;
import javax.script.ScriptEngine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Second red team of the sandbox, against the operator guards, {@code __gk}, the {@code numbers} wrappers and the
 * key caps. Unit sandbox: 1 s deadline, 64 MiB budget. Each test asserts the SAFE behaviour and failed before its
 * fix: every call and every assignment to a member became an operator step (a guard check within four of them), the
 * key caps tell a String object by its class and take array-likes a push filled, for-in the same. Property tests walk
 * builtins.tsv, so a row added later is attacked too. One known limit stays disabled, with its reason.
 */
class SecondRedTeamTest {

    private static final String LONG_DIGITS = "var s = '1'.repeat(8000000); s.charAt(0);\n";
    private static final String LONG_LETTERS = "var s = 'a'.repeat(8000000); s.charAt(0);\n";
    /** Two flat strings of 4 Mi equal characters that are different Java objects: comparing them is O(n). */
    private static final String EQUAL_COPIES =
            "var s1 = 'a'.repeat(4000000); s1.charAt(0); var s2 = 'a' + s1.slice(1); s2.charAt(0);\n";
    /** A prototype chain of 300,000 objects, built in a guarded loop (~100 ms). */
    private static final String DEEP_CHAIN = "var p = {}; for (var i = 0; i < 300000; i++) { p = Object.create(p); }\n";

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    private static void assertBounded(String body) throws Exception {
        fixture.assertBounded(body);
    }

    /** As {@link SandboxFixture#assertBounded}, with {@code pastBudget} more bytes allowed. */
    private static void assertBounded(String body, long pastBudget) throws Exception {
        SandboxFixture.Cost cost = fixture.measure(body);
        assertTrue(cost.millis() <= SandboxFixture.BOUND_MS, "ran " + cost.millis() + " ms: " + cost.outcome());
        assertTrue(cost.bytes() <= SandboxFixture.BOUND_BYTES + pastBudget, "allocated " + (cost.bytes() >> 20)
                + " MiB: " + cost.outcome());
        fixture.assertHealthy();
    }

    // ---- Finding 1 (severe): builtins classed O(1)/none whose cost is the depth of a prototype chain. A chain of
    // 300,000 objects costs ~100 ms of guarded work once; each call then walks it unchecked. Measured (1 s, 64 MiB):
    // 20,000 straight-line X.isPrototypeOf(p) ran 54.6 s; 20,000 Object.setPrototypeOf({}, p) (its cycle check) 18.3 s.
    // A function body of such calls repeated by a loop overshoots by one body per guard check.

    @Test
    void isPrototypeOfOverADeepChainIsBounded() throws Exception {
        assertBounded(DEEP_CHAIN + "var x = {};\n" + "x.isPrototypeOf(p);".repeat(20_000) + "\nreturn 1;");
    }

    @Test
    void setPrototypeOfOntoADeepChainIsBounded() throws Exception {
        assertBounded(DEEP_CHAIN + "Object.setPrototypeOf({}, p);".repeat(20_000) + "\nreturn 1;");
    }

    // ---- Finding 2 (severe): builtins classed O(1)/none that look a key up compare it with String.equals, O(n) when
    // two long keys are equal but distinct objects. No allocation, so only time grows. Measured: 20,000 m.has(s2)
    // against a Map holding s1 (4 Mi chars) 5.0 s; 5,000 o.hasOwnProperty(s2) 1.8 s; 5,000 Symbol.for(s2) 1.8 s;
    // 5,000 Object.getOwnPropertyDescriptor(o, s2) 1.3 s.

    @Test
    void mapLookupOfAnEqualLongKeyIsBounded() throws Exception {
        assertBounded(EQUAL_COPIES + "var m = new Map(); m.set(s1, 1);\n" + "m.has(s2);".repeat(20_000)
                + "\nreturn 1;");
    }

    @Test
    void hasOwnPropertyOfAnEqualLongKeyIsBounded() throws Exception {
        assertBounded(EQUAL_COPIES + "var o = {}; o[s1] = 1;\n" + "o.hasOwnProperty(s2);".repeat(20_000)
                + "\nreturn 1;");
    }

    /**
     * The property behind Findings 1 and 2, over every row of builtins.tsv guarded {@code none}: called with an equal
     * copy of a long key on receivers that hold the original (Map, Set, object key, Symbol registry), and with a deep
     * prototype chain, no such builtin that returns normally may cost more than 5 ms a call on the key (and ten
     * times the short case). Since every call counts as an operator step, a guard check follows within four calls;
     * the findings were straight-line runs of thousands of calls, now stopped that way (the named tests, which also
     * cover the chain). Throwing calls are left out: a catch checks.
     */
    @Test
    void noUncheckedBuiltinIsLinearInAnEqualKeyOrAChainDepth() throws Exception {
        String names = BuiltinTable.paths(BuiltinTable.Guard.NONE);
        String source = "export default function (input) {\n" + BuiltinPaths.RESOLVE
                + KEY_AND_CHAIN_WALK.replace("$NAMES", names)
                + "\n}";
        String slow = fixture.run(fixture.compile(source), "{}", new ScriptLimits(600_000, 1L << 40, 0)).json();
        assertEquals("\"unresolved: ; slow: \"", slow,
                "unchecked builtins linear in an equal long key or a chain depth (name=ms long/short)");
    }

    private static final String KEY_AND_CHAIN_WALK = """
        var names = $NAMES;
        var s1 = 'a'.repeat(4000000); s1.charAt(0); var s2 = 'a' + s1.slice(1); s2.charAt(0);
        var t1 = 'a', t2 = 'a';
        // the chain walk is left to the named tests above: Nashorn looks a missing member up along the chain
        // recursively, so many builtins end a walk over a deep chain with a STACK abort (a defined outcome)
        var deep = {};
        var shallow = Object.create({});
        // a missing property is looked up recursively along the chain (a StackOverflowError at this depth): the
        // members a builtin reads from an argument are the chain's own
        // (defined, not assigned: an assignment looks for an inherited setter the same way)
        [deep, shallow].forEach(function (o) {
          var own = {toString: function () { return 'k'; }, valueOf: function () { return 1; }, length: 0,
            constructor: Object, value: 1, get: undefined, set: undefined};
          Object.keys(own).forEach(function (key) {
            Object.defineProperty(o, key, {value: own[key], writable: true, configurable: true});
          });
        });
        Symbol.for(s1); Symbol.for(t1);
        function holders(key) {
          var keyed = {}; keyed[key] = 1;
          return [new Map([[key, 1]]), new Set([key]), keyed, {}, Object, Symbol];
        }
        var longHolders = holders(s1), shortHolders = holders(t1);
        // argument shapes: the probe in every position a lookup or a prototype may take
        function call(f, self, probe, shape) {
          switch (shape) {
            case 0: return f.call(self, probe, probe);
            case 1: return f.call(self, {}, probe);
            case 2: return f.call(self, self, probe, {value: 1, configurable: true});
            default: return f.call(probe, probe);
          }
        }
        function cost(f, selfIndex, longCase, shape) {
          var best = Infinity;
          for (var round = 0; round < 3; round++) {
            var start = Date.now();
            for (var k = 0; k < 100; k++) {
              var self = (longCase ? longHolders : shortHolders)[selfIndex];
              try { call(f, self, longCase === 'chain' ? deep : longCase ? s2 : t2, shape); } catch (e) { return -1; }
            }
            best = Math.min(best, Date.now() - start);
          }
          return best;
        }
        var unresolved = [], slow = [];
        for (var i = 0; i < names.length; i++) {
          var f = resolve(names[i]);
          if (typeof f !== 'function') { unresolved.push(names[i]); continue; }
          // with -ea, Nashorn's own assertion fails inside propertyIsEnumerable for one of these keys (reported)
          if (names[i] === 'Object.prototype.propertyIsEnumerable') { continue; }
          // Error.prototype's accessors look a missing member up along the chain recursively: at this depth the
          // stack overflows, which ends the run with the STACK limit (a defined outcome, not this property's)
          if (names[i].indexOf(' Error.prototype.') >= 0) { continue; }
          search: for (var r = 0; r < longHolders.length; r++) {
            for (var shape = 0; shape < 4; shape++) {
              var withLong = cost(f, r, true, shape);
              // every call is an operator step, so a guard check follows within four calls: what must hold is that
              // one call stays short (5 ms on the long key)
              if (withLong > 100 * 5 && withLong > 10 * Math.max(1, cost(f, r, false, shape))) {
                slow.push(names[i] + '=' + withLong + '/' + cost(f, r, false, shape));
                break search;
              }
            }
          }
        }
        return 'unresolved: ' + unresolved.join(' ') + '; slow: ' + slow.join(' ');
        """;

    // ---- Finding 3 (severe): the numbers wrappers convert only primitive strings (and, for Math.max/min, objects).
    // A String object, or an object whose valueOf is a bound builtin returning the long string, reaches the native,
    // which converts it unchecked. Measured: 300 x isNaN(new String(s)) 5.1 s / 4.6 GB; with {valueOf:
    // String.prototype.valueOf.bind(s)} 2.2 s / 4.6 GB; 'x'.charAt(new String(s)) 2.7 s; d.setTime(...) 2.2 s.
    // Held: isNaN([s]) converts through Array.prototype.toString -> join, entry-checked (71 ms).

    @Test
    void isNaNOfALongStringObjectIsBounded() throws Exception {
        assertBounded(LONG_DIGITS + "var o = new String(s);\n" + "isNaN(o);".repeat(300) + "\nreturn 1;");
    }

    @Test
    void isNaNOfAnObjectWithABoundBuiltinValueOfIsBounded() throws Exception {
        assertBounded(LONG_DIGITS + "var o = {valueOf: String.prototype.valueOf.bind(s)};\n" + "isNaN(o);".repeat(300)
                + "\nreturn 1;");
    }

    @Test
    void isNaNOfAnArrayHoldingALongStringIsBounded() throws Exception {
        assertBounded(LONG_DIGITS + "var o = [s];\n" + "isNaN(o);".repeat(300) + "\nreturn 1;");
    }

    /** Every numbers row, straight-line, with argument objects that convert to the long string without script code. */
    @Test
    void everyNumbersBuiltinWithLongStringObjectsIsBounded() throws Exception {
        List<String> checked = BuiltinTable.rows().stream()
                .filter(row -> row.guard() == BuiltinTable.Guard.NUMBERS).map(BuiltinTable.Row::function)
                .collect(Collectors.toList());
        for (String disguise : List.of("new String(s)", "{valueOf: String.prototype.valueOf.bind(s)}")) {
            StringBuilder body = new StringBuilder(LONG_DIGITS).append(BuiltinPaths.RESOLVE).append("var o = ")
                    .append(disguise)
                    .append(";\n");
            for (int i = 0; i < checked.size(); i++) {
                body.append("var f").append(i).append(" = resolve(\"").append(checked.get(i)).append("\");\n");
            }
            for (int round = 0; round < 10; round++) {
                for (int i = 0; i < checked.size(); i++) {
                    String name = checked.get(i);
                    String receiver = name.startsWith("Date.prototype") ? "new Date(0)"
                            : name.startsWith("String.prototype") ? "'x'" : name.startsWith("Number.prototype") ? "1"
                            : "null";
                    body.append("try { f").append(i).append(".call(").append(receiver)
                            .append(", o, o, o, o, o, o, o); } catch (e) { }\n");
                }
            }
            assertBounded(body.append("return 1;").toString());
        }
    }

    // ---- Finding 4 (severe): setting an array's length converts the value to a number: an assignment to a plain
    // member is no operator step and defineProperty is classed none. With z = '0' x 8 Mi + '1' (a valid length 1):
    // 300 x a.length = z ran 4.8 s / 9.2 GB; 300 x Object.defineProperty(a, 'length', {value: z}) 3.6 s / 9.2 GB.

    private static final String LONG_LENGTH = "var z = '0'.repeat(8000000) + '1'; z.charAt(0); var a = [];\n";

    /**
     * Each conversion of z allocates ~48 MB of garbage, and the guard check comes within four operator steps
     * (OperatorSteps.PER_GUARD), so the run may pass its budget by four conversions before it stops.
     */
    private static final long CONVERSIONS_PAST_BUDGET = OperatorSteps.PER_GUARD * (48L << 20);

    @Test
    void assigningALongStringToAnArrayLengthIsBounded() throws Exception {
        assertBounded(LONG_LENGTH + "a.length = z;".repeat(300) + "\nreturn a.length;", CONVERSIONS_PAST_BUDGET);
    }

    @Test
    void definingALongStringArrayLengthIsBounded() throws Exception {
        assertBounded(LONG_LENGTH + "Object.defineProperty(a, 'length', {value: z});".repeat(300)
                + "\nreturn a.length;", CONVERSIONS_PAST_BUDGET);
    }

    // ---- Finding 5 (severe): the key caps recognise a String object by `instanceof String`. A String object whose
    // prototype is set to null (or to any other object) is no instance, so Object.keys lists its 8 Mi index keys in
    // one native call. Measured: Object.keys 6.6 s / 1,026 MiB; getOwnPropertyNames 7.5 s / 1,026 MiB;
    // Object.assign 4.1 s / 1,026 MiB; defineProperties 1.4 s / 537 MiB. Held: for-in (its check reads the class).

    /** Ways to make a String object that is no instance of String; each keeps its 8 Mi index keys. */
    private static final List<String> DISGUISED_STRINGS = List.of(
            "Object.setPrototypeOf(new String(s), null)",
            "Object.setPrototypeOf(new String(s), {})",
            "Object.setPrototypeOf(new String(s), [])");

    /** Every builtin that lists an object's keys, and for-in. */
    private static final List<String> KEY_LISTERS = List.of(
            "Object.keys(o)", "Object.getOwnPropertyNames(o)", "Object.getOwnPropertySymbols(o)",
            "Object.assign({}, o)", "Object.values(o)", "Object.entries(o)", "Object.create(null, o)",
            "Object.defineProperties({}, o)", "Object.freeze(o)", "Object.seal(o)", "Object.isFrozen(o)",
            "Object.isSealed(o)", "JSON.stringify(o)", "(function () { for (var k in o) { break; } })()");

    @Test
    void keysOfAProtolessLongStringObjectAreBounded() throws Exception {
        assertBounded(LONG_LETTERS + "var o = Object.setPrototypeOf(new String(s), null);\n"
                + "try { Object.keys(o); } catch (e) { } return 1;");
    }

    @Test
    void everyKeyListerOnEveryDisguisedLongStringIsBounded() throws Exception {
        for (String disguise : DISGUISED_STRINGS) {
            for (String lister : KEY_LISTERS) {
                assertBounded(LONG_LETTERS + "var o = " + disguise + ";\ntry { " + lister + "; } catch (e) { }"
                        + " return 1;");
            }
        }
    }

    @Test
    void forInOverAProtolessLongStringObjectIsBounded() throws Exception {
        assertBounded(LONG_LETTERS + "var n = 0; try { for (var k in Object.setPrototypeOf(new String(s), null)) {"
                + " n++; break; } } catch (e) { } return n;");
    }

    // ---- Finding 6 (moderate): a plain object with many index keys is made cheaply by push.apply (65,536 per
    // entry-checked call), so "other objects hold only keys a guarded script added" does not bound what one for-in or
    // Object.keys lists. Measured: 8 pushes (524,288 keys, 42 MiB) then one for-in: 728 ms and 138 MiB in all
    // (~300 ms and ~96 MiB in the for-in header, before any check), against a 64 MiB budget. The overshoot grows with
    // the budget (128 MiB in production).

    private static final String MANY_INDEX_KEYS = "var src = []; for (var i = 0; i < 65536; i++) { src[i] = i; }\n"
            + "var o = {length: 0}; for (var j = 0; j < 8; j++) { Array.prototype.push.apply(o, src); }\n";

    @Test
    void forInOverAnObjectWithManyPushedKeysIsBounded() throws Exception {
        assertBounded(MANY_INDEX_KEYS + "var n = 0; for (var k in o) { n++; break; } return n;");
    }

    @Test
    void keysOfAnObjectWithManyPushedKeysAreBounded() throws Exception {
        assertBounded(MANY_INDEX_KEYS + "return Object.keys(o).length;");
    }

    // ---- Held: conversions the operator guards and entry checks do catch.

    @Test
    void templateAndStringConversionOfAnArrayOfALongStringAreBounded() throws Exception {
        assertBounded(LONG_DIGITS + "var a = [s], o = {};\n" + "`${a}`; String(a); o[a]; isFinite(a);".repeat(100)
                + "\nreturn 1;");
    }

    @Test
    void redefiningThePrototypeOfADeepChainThroughProtoEndsOnTheStack() throws Exception {
        assertBounded(DEEP_CHAIN + "var q = {};\n" + "q.__proto__ = p;".repeat(20_000) + "\nreturn 1;");
    }

    // ---- Finding 7 (meaning): the numbers and entry wrappers are plain script functions: they lose the native's
    // length and name, gain a prototype, and construct. Measured: isNaN.length 0 (plain 1), Math.max.length 0 (2),
    // Date.UTC.length 0 (7), Math.floor.name "" ("floor"), typeof Math.floor.prototype "object" ("undefined"),
    // new Math.floor(1.5) an object (plain: TypeError), new isNaN(1) and new ''.slice() objects (plain: TypeError).

    private static final String SHAPE_WALK = """
        var names = $NAMES, shapes = [];
        for (var i = 0; i < names.length; i++) {
          var f = resolve(names[i]);
          if (typeof f !== 'function') { continue; }
          var constructs;
          try { new f(); constructs = 'constructs'; } catch (e) { constructs = e.name; }
          shapes.push(names[i] + ' ' + f.length + ' ' + f.name + ' ' + ('prototype' in f) + ' ' + constructs);
        }
        return shapes.join('\\n');
        """;

    /** Every wrapped native (guard entry or numbers) has the native's length, name, prototype and constructibility. */
    @Test
    @Disabled("known limit: Nashorn makes a function's length and name non-configurable, so a wrapper cannot "
            + "take the native's, and every wrapper is a plain function (constructible, with a prototype); README")
    void everyWrappedNativeKeepsItsShape() throws Exception {
        String names = BuiltinTable.paths(BuiltinTable.Guard.ENTRY, BuiltinTable.Guard.NUMBERS);
        String walk = BuiltinPaths.RESOLVE + SHAPE_WALK.replace("$NAMES", names);
        ScriptEngine plain = new NashornScriptEngineFactory().getScriptEngine("-strict", "--language=es6",
                "--no-syntax-extensions");
        Object expected = plain.eval("(function () {\n" + walk + "\n})()");
        String actual = fixture.runBody(walk).json();
        assertEquals("\"" + expected.toString().replace("\n", "\\n") + "\"", actual);
    }
}

package dev.mik.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Script corpora for the isolation tests: the sweep that calls every built-in with every shared object as
 * {@code this}, and random scripts (fixed seed) mixing built-in calls on odd receivers, Java member names,
 * throws of odd objects and writes to shared objects.
 */
final class SeededScripts {

    static final long SEED = 20_261_130L;

    /**
     * The sweep, as a script. Input {@code {chunk, chunks, seed}}: it lists every object it can reach from the
     * standard globals and from the prototypes of fresh instances, every function among them (methods, getters,
     * setters), and calls the chunk's share of all function and object pairs with 0 to 3 arguments drawn from an
     * assorted pool (seeded). It returns how many pairs there are, which it called, and the two list sizes.
     */
    static final String SWEEP = """
        export default function (input) {
          var getOwnPropertyNames = Object.getOwnPropertyNames, \
        getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor,
              getOwnPropertySymbols = Object.getOwnPropertySymbols, getPrototypeOf = Object.getPrototypeOf;
          var FP = getPrototypeOf(function () {}), applyWith = FP.call.bind(FP.apply);
          var queue = [Object, Array, String, Number, Boolean, Symbol, Date, Math, JSON, RegExp, Error, EvalError,
            RangeError, ReferenceError, SyntaxError, TypeError, URIError, Map, Set, WeakMap, WeakSet, isNaN, isFinite,
            parseInt, parseFloat, decodeURI, decodeURIComponent, encodeURI, encodeURIComponent, escape, unescape];
          [function () {}, (function () { return arguments; })(), [][Symbol.iterator](), new Map().entries(),
           new Set().values(), ''[Symbol.iterator](), /x/g, /x/.exec('x'), new Date(0), FP.call.bind(null),
           new Error('e'), new TypeError('t'), new Map(), new Set(), new WeakMap(), new WeakSet(), Object(Symbol('s')),
           Object('s'), Object(1), Object(true)].forEach(function (sample) { queue.push(getPrototypeOf(sample)); });
          var objects = [], seen = new Set(), functions = [], seenFunctions = new Set();
          function addFunction(f) {
            if (typeof f === 'function' && !seenFunctions.has(f)) { seenFunctions.add(f); functions.push(f); }
          }
          for (var i = 0; i < queue.length; i++) {
            var o = queue[i];
            if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) { continue; }
            seen.add(o);
            objects.push(o);
            getOwnPropertyNames(o).forEach(function (k) {
              var d = getOwnPropertyDescriptor(o, k);
              queue.push(d.value, d.get, d.set);
              addFunction(d.value);
              addFunction(d.get);
              addFunction(d.set);
            });
            getOwnPropertySymbols(o).forEach(function (s) { queue.push(o[s]); addFunction(o[s]); });
            queue.push(getPrototypeOf(o));
          }
          var state = input.seed | 0 || 1;
          function random(n) {
            state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
            return (state >>> 0) % n;
          }
          var pool = [undefined, null, 0, -0, 1, -1, 3.5, NaN, Infinity, 1e21, '', 'secret', 'g', 'lastIndex',
            'nashornException', 'constructor', '__proto__', true, false, Symbol('s'), {}, [], [3, 'b', 1],
            function () { return 7; }, /re/g, new Date(0), new Error('e'), Object.create(null), { length: 3, 0: 'a' },
            { valueOf: function () { return 42; }, toString: function () { return 'str'; } }];
          // shared objects go in as arguments too, except where Nashorn itself fails rather than the sandbox:
          // a built-in as a callback (Array.of as a JSON.stringify replacer nests until the stack overflows, which
          // the sandbox ends as a STACK abort) and Map.prototype or Set.prototype as an iterable (Nashorn's
          // iterator wraps its TypeError in a Java exception, which the sandbox ends as an internal failure)
          function usableArgument(o) {
            var kind = Object.prototype.toString.call(o);
            return typeof o !== 'function' && kind !== '[object Map]' && kind !== '[object Set]';
          }
          // with assertions on (as in tests) Nashorn asserts that propertyIsEnumerable never gets an object key
          // (called directly, or through call and apply), so no object reaches those as an argument
          var reachesPropertyIsEnumerable = [Object.prototype.propertyIsEnumerable, FP.call, FP.apply, FP.bind];
          var total = functions.length * objects.length;
          var from = Math.floor(total * input.chunk / input.chunks), \
        to = Math.floor(total * (input.chunk + 1) / input.chunks);
          var calls = 0, returned = 0;
          for (var k = from; k < to; k++) {
            var args = [], count = random(4);
            for (var a = 0; a < count; a++) {
              var shared = objects[random(objects.length)];
              args.push(random(4) === 0 && usableArgument(shared) ? shared : pool[random(pool.length)]);
            }
            var f = functions[Math.floor(k / objects.length)];
            if (reachesPropertyIsEnumerable.indexOf(f) >= 0
                || reachesPropertyIsEnumerable.indexOf(objects[k % objects.length]) >= 0) {
              args = args.map(function (a) {
                return a !== null && (typeof a === 'object' || typeof a === 'function') ? 'key' : a;
              });
            }
            calls++;
            try { applyWith(f, objects[k % objects.length], args); returned++; }
            catch (e) { }
          }
          return { total: total, from: from, to: to, calls: calls, returned: returned,
                   functions: functions.length, objects: objects.length };
        }
        """;

    /** Receivers and arguments a generated script draws from: primitives of every kind, shared and odd objects. */
    private static final String[] VALUES = {"'x'", "''", "s", "1", "1.5", "-0", "NaN", "2147483648", "true", "false",
        "Symbol('s')", "null", "undefined", "{}", "[]", "[1, 2]", "Object.create(null)", "new Date(0)", "/a/g",
        "new Error('e')", "Date.prototype", "RegExp.prototype", "Array.prototype", "Error.prototype",
        "Object.prototype", "String.prototype", "Math", "JSON", "Object.freeze({})", "function () { return 1; }",
        "input", "request", "host", "console", "setter", "writable", "inherited", "fixedHolder", "caught"};
    /** Member names: JavaScript built-ins and Java bean names of the primitives' classes. */
    private static final String[] NAMES = {"bytes", "class", "empty", "blank", "chars", "getClass", "getBytes",
        "toString", "valueOf", "length", "constructor", "infinite", "naN", "nashornException", "stack", "lineNumber",
        "fileName", "columnNumber", "message", "name", "source", "lastIndex", "getTime", "setTime", "compile",
        "exec", "toJSON", "toISOString", "call", "apply", "bind", "hashCode", "notify", "wait", "__proto__",
        "description", "components", "flatten", "intern", "codePoints", "describeConstable"};

    private SeededScripts() {
    }

    /** {@code count} random script bodies; each returns every value it produced in one array. */
    static List<String> generated(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> bodies = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            StringBuilder body = new StringBuilder("""
                    var out = [], s = 'c' + input.s, caught;
                    var setter = {}; \
                    Object.defineProperty(setter, 'nashornException', { set: function (v) { out.push(v); } });
                    var writable = {}; \
                    Object.defineProperty(writable, 'nashornException', { value: 1, writable: true });
                    var inherited = Object.create({ set nashornException(v) { out.push(v); } });
                    var fixedHolder = Object.freeze(Object.create(Object.freeze({ nashornException: 2 })));
                    """);
            for (int statement = 0; statement < 12; statement++) {
                String value = pick(random, VALUES);
                String name = pick(random, NAMES);
                body.append(switch (random.nextInt(6)) {
                    case 0 -> "try { out.push((" + value + ")." + name + "); } catch (e) { out.push(e); }\n";
                    case 1 -> "try { out.push((" + value + ")['" + name + "']); } catch (e) { out.push(e); }\n";
                    case 2 -> "try { out.push((" + value + ")." + name + "(" + pick(random, VALUES) + ")); }"
                            + " catch (e) { out.push(e); }\n";
                    case 3 -> "try { throw " + value + "; } catch (e) { caught = e; out.push(e); }\n";
                    case 4 -> "try { (" + value + ")." + name + " = " + pick(random, VALUES) + "; }"
                            + " catch (e) { out.push(e); }\n";
                    default -> "try { out.push(Object.getOwnPropertyDescriptor(" + value + ", '" + name + "')); }"
                            + " catch (e) { out.push(e); }\n";
                });
            }
            bodies.add(body.append("return out;").toString());
        }
        return bodies;
    }

    private static String pick(SplittableRandom random, String[] options) {
        return options[random.nextInt(options.length)];
    }
}

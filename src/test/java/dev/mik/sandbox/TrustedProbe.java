package dev.mik.sandbox;

import org.openjdk.nashorn.api.scripting.NashornException;
import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;

import java.util.ArrayList;
import java.util.List;
import javax.script.ScriptException;

/**
 * Trusted code that looks at the hardened global from inside, through {@link ScriptSandbox#callTrusted}: the list of
 * shared (primordial) objects, a fingerprint of all their observable state, and a walk over every value reachable
 * from some roots. Values found by a walk come back to Java as they are, so a Java-side check can judge each one.
 */
final class TrustedProbe {

    /** JavaScript shared by the probes: the primordial objects in a fixed order, and the functions among them. */
    private static final String COMMON = """
          var getOwnPropertyNames = Object.getOwnPropertyNames, getOwnPropertySymbols = Object.getOwnPropertySymbols,
              getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor, getPrototypeOf = Object.getPrototypeOf,
              isExtensible = Object.isExtensible, FP = getPrototypeOf(function () {}), call = FP.call,
              callWith = call.bind(call), applyWith = call.bind(FP.apply), classOf = Object.prototype.toString;
          function isObject(v) { return v !== null && (typeof v === 'object' || typeof v === 'function'); }
          function ownNames(o) { return getOwnPropertyNames(o); }
          // fresh instances of every kind, for the prototypes that only instances reach
          var SAMPLES = [function () { return function () {}; }, function () { return arguments; },
            function () { return [][Symbol.iterator](); }, function () { return [].keys(); },
            function () { return new Map().entries(); }, function () { return new Set().values(); },
            function () { return ''[Symbol.iterator](); }, function () { return /x/g; },
            function () { return /x/.exec('x'); }, function () { return new Error('e'); },
            function () { return new TypeError('t'); }, function () { return new RangeError('r'); },
            function () { return new SyntaxError('s'); }, function () { return new ReferenceError('r'); },
            function () { return new EvalError('e'); }, function () { return new URIError('u'); },
            function () { return new Date(0); }, function () { return call.bind(null); },
            function () { return new Map([[1, 2]]); }, function () { return new Set([1]); },
            function () { return new WeakMap(); }, function () { return new WeakSet(); },
            function () { return Object(Symbol('s')); }, function () { return Object('s'); },
            function () { return Object(1); }, function () { return Object(true); },
            function () { return JSON.parse('{"a":[1]}'); }, function () { return 'a,b'.split(','); }];
          function primordials() {
            var queue = [global], seen = new Set(), found = [];
            SAMPLES.forEach(function (make) { try { queue.push(getPrototypeOf(make())); } catch (e) { } });
            for (var i = 0; i < queue.length; i++) {
              var o = queue[i];
              if (!isObject(o) || seen.has(o)) { continue; }
              seen.add(o);
              found.push(o);
              ownNames(o).forEach(function (k) {
                var d = getOwnPropertyDescriptor(o, k);
                queue.push(d.value, d.get, d.set);
              });
              getOwnPropertySymbols(o).forEach(function (s) { queue.push(o[s]); });
              queue.push(getPrototypeOf(o));
            }
            return found;
          }
          // every function among the primordials, each with a label
          function builtinsOf(list, ids) {
            var seen = new Set(), out = [];
            function add(f, label) {
              if (typeof f === 'function' && !seen.has(f)) { seen.add(f); out.push({ f: f, label: label }); }
            }
            list.forEach(function (o) {
              ownNames(o).forEach(function (k) {
                var d = getOwnPropertyDescriptor(o, k), label = '#' + ids.get(o) + '.' + k;
                add(d.value, label);
                add(d.get, label + ' get');
                add(d.set, label + ' set');
              });
            });
            return out;
          }
        """;

    /**
     * A function that fingerprints the hardened global: for every primordial object its class, extensibility,
     * prototype and every own property (flags, value or accessors), and what every built-in reader (get*, is*,
     * has*, to*, valueOf and every accessor getter) returns for it as {@code this}. Pairs whose reader threw on the
     * first fingerprint (a Date getter on a Map ...) are skipped afterwards: they read no state.
     */
    private static final String FINGERPRINT = "(function (global) {\n'use strict';\n" + COMMON + """
          var READER = /^(get|is|has|to|valueOf$)/, applicable = null;
          function fingerprint() {
            var list = primordials(), ids = new Map();
            list.forEach(function (o, i) { ids.set(o, i); });
            function repr(v) {
              if (isObject(v)) { return ids.has(v) ? '#' + ids.get(v) : 'new ' + classOf.call(v); }
              if (typeof v === 'symbol') { return 'symbol ' + v.toString(); }
              if (v === 0 && 1 / v < 0) { return 'number -0'; }
              return typeof v + ' ' + String(v);
            }
            function flags(d) {
              return (d.enumerable ? 'e' : '-') + (d.configurable ? 'c' : '-') + \
        ('value' in d ? (d.writable ? 'w' : '-') : 'a');
            }
            // readers are methods and getters of prototypes: static functions (Object.isFrozen ...) ignore `this`
            var readers = builtinsOf(list.filter(function (o) {
              return typeof o !== 'function' && o !== global && o !== Math && o !== JSON;
            }), ids).filter(function (b) {
              return / get$/.test(b.label) || READER.test(b.label.substring(b.label.indexOf('.') + 1));
            });
            var first = applicable === null;
            if (first) { applicable = new Set(); }
            var lines = [list.length + ' objects, ' + readers.length + ' readers'];
            list.forEach(function (o, i) {
              lines.push('#' + i + ' ' + classOf.call(o) + ' extensible=' + isExtensible(o) + \
        ' proto=' + repr(getPrototypeOf(o)));
              ownNames(o).forEach(function (k) {
                var d = getOwnPropertyDescriptor(o, k);
                lines.push('  ' + k + ' ' + flags(d) + ' ' + \
        ('value' in d ? repr(d.value) : repr(d.get) + ' ' + repr(d.set)));
              });
              getOwnPropertySymbols(o).forEach(function (s) { lines.push('  [' + s.toString() + '] ' + repr(o[s])); });
              readers.forEach(function (r) {
                var pair = r.label + '@' + i;
                if (!first && !applicable.has(pair)) { return; }
                try {
                  var result = repr(callWith(r.f, o));
                  if (first) { applicable.add(pair); }
                  lines.push('  ' + r.label + '() = ' + result);
                } catch (e) {
                  if (!first) { lines.push('  ' + r.label + '() throws ' + (isObject(e) ? e.name : e)); }
                }
              });
            });
            return lines.join('\\n');
          }
          return function (runner) { return fingerprint; };
        })(this)""";

    /** Runs a compiled script through the real runner and returns what it returned. */
    private static final String RUN = "(function (runner, factory, guard, input, request) {"
            + " return runner(factory, guard, input, request); })";

    /**
     * A walk from some roots: every value reached (own property values, getter results, symbol-keyed values,
     * prototypes, transitively) is listed; objects that are not primordial (the script's own, and whatever built-ins
     * made) also get every built-in called on them as {@code this} with each of the given argument lists, and those
     * results are walked too, without a further sweep. What the walk itself catches goes through the guard's
     * {@code c}, as in a script; what {@code c} refuses to hand on (a Java throwable) is listed apart.
     */
    private static final String WALK = "(function (global) {\n'use strict';\n" + COMMON + """
          return function (runner, roots, thrown, argumentLists, guard, sweepPrimordials, limit) {
            var list = primordials(), ids = new Map(), found = [], javaThrown = [], seen = new Set();
            list.forEach(function (o, i) { ids.set(o, i); });
            var builtins = builtinsOf(list, ids), queue = [];
            function caught(e) {
              try { guard.c(e); } catch (refused) { javaThrown.push(e); return; }
              queue.push({ v: e, sweep: false });
            }
            function attempt(f, self, args) {
              try { queue.push({ v: applyWith(f, self, args), sweep: false }); } catch (e) { caught(e); }
            }
            function sweep(o) {
              builtins.forEach(function (b) {
                for (var a = 0; a < argumentLists.length; a++) { attempt(b.f, o, argumentLists[a]); }
              });
            }
            for (var r = 0; r < roots.length; r++) { queue.push({ v: roots[r], sweep: true }); }
            // what a run threw out reaches no script, but a script that caught it would get it through c
            for (var t = 0; t < thrown.length; t++) { caught(thrown[t]); queue[queue.length - 1].sweep = true; }
            if (sweepPrimordials) { list.forEach(sweep); }
            for (var i = 0; i < queue.length && found.length < limit; i++) {
              var v = queue[i].v;
              found.push(v);
              if (!isObject(v) || seen.has(v)) { continue; }
              seen.add(v);
              try {
                ownNames(v).forEach(function (k) {
                  var d = getOwnPropertyDescriptor(v, k);
                  if ('value' in d) { queue.push({ v: d.value, sweep: false }); return; }
                  queue.push({ v: d.get, sweep: false }, { v: d.set, sweep: false });
                  if (d.get) { attempt(d.get, v, []); }
                });
                getOwnPropertySymbols(v).forEach(function (s) {
                  try { queue.push({ v: v[s], sweep: false }); } catch (e) { caught(e); }
                });
                queue.push({ v: getPrototypeOf(v), sweep: false });
              } catch (e) {
                caught(e);   // not an object a script can inspect: the Java side judges v itself
              }
              if (queue[i].sweep && !ids.has(v)) { sweep(v); }
            }
            return [found, javaThrown, i < queue.length];
          };
        })(this)""";

    /** The values a walk found, and the Java throwables {@code c} refused to hand on. */
    record Walk(List<Object> found, List<Object> javaThrown, boolean truncated) {
    }

    /** What a run returned or threw; {@code ended} is false when it ended in Java (an abort). */
    record Outcome(boolean ended, boolean thrown, Object value) {
    }

    private TrustedProbe() {
    }

    /** A fingerprint function; its first call fixes which reader and object pairs are read afterwards. */
    static ScriptObjectMirror fingerprinter(ScriptSandbox sandbox) throws ScriptException {
        return (ScriptObjectMirror) sandbox.callTrusted(FINGERPRINT);
    }

    /**
     * Runs the script with the guard (which the caller has entered) through the real runner and returns what it
     * returned or threw.
     */
    static Outcome runForValue(ScriptSandbox sandbox, CompiledScript script, RunGuard guard, String input)
            throws ScriptException {
        try {
            return new Outcome(true, false,
                    sandbox.callTrusted(RUN, script.factory(), guard, input, SandboxFixture.REQUEST));
        } catch (NashornException e) {
            // a Java throwable as the thrown value is an abort that surfaced inside a built-in
            return e.getEcmaError() instanceof Throwable ? new Outcome(false, false, null)
                    : new Outcome(true, true, e.getEcmaError());
        } catch (GuardTripped | StackOverflowError e) {
            return new Outcome(false, false, null);
        }
    }

    /**
     * Walks from the roots, and from the thrown values as a script that caught them would see them; {@code guard}
     * (entered by the caller) judges what the walk catches.
     */
    static Walk walk(ScriptSandbox sandbox, List<Object> roots, List<Object> thrown, List<List<Object>> argumentLists,
            RunGuard guard, boolean sweepPrimordials, int limit) throws ScriptException {
        ScriptObjectMirror result = (ScriptObjectMirror) sandbox.callTrusted(WALK, toArray(sandbox, roots),
                toArray(sandbox, thrown),
                toArray(sandbox, argumentLists.stream().map(list -> (Object) toArray(sandbox, list)).toList()),
                guard, sweepPrimordials, limit);
        return new Walk(slots((ScriptObjectMirror) result.getSlot(0)), slots((ScriptObjectMirror) result.getSlot(1)),
                Boolean.TRUE.equals(result.getSlot(2)));
    }

    private static Object toArray(ScriptSandbox sandbox, List<Object> values) {
        try {
            return sandbox.callTrusted("(function (runner) { return Array.prototype.slice.call(arguments, 1); })",
                    values.toArray());
        } catch (ScriptException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Object> slots(ScriptObjectMirror array) {
        List<Object> values = new ArrayList<>();
        int length = ((Number) array.getMember("length")).intValue();
        for (int i = 0; i < length; i++) {
            values.add(array.getSlot(i));
        }
        return values;
    }
}

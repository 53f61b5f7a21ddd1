package dev.mik.script;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The scripts that turn a fresh Nashorn global into the sandbox's one hardened global, run once per sandbox:
 * {@link #cleanupScript()} first, then {@link BuiltinCaps}, then {@link #lockScript()}.
 * <ul>
 * <li>Cleanup removes every global that is not a standard ECMAScript builtin (Java, Packages, load, quit, exit,
 * print, eval, Function, JSAdapter, typed arrays ...), pins {@code engine} and {@code context} to undefined,
 * removes Nashorn's extensions on the builtins, makes the Function constructor unreachable from functions,
 * replaces the error constructors with ones that drop the Java exception Nashorn attaches to each error, and
 * replaces RegExp with a constructor without the legacy statics ({@code RegExp.$1}), which hold the last match
 * of any run.</li>
 * <li>Lock gives {@code String}, {@code Number}, {@code Boolean} and {@code Symbol} prototypes a non-writable,
 * non-configurable throwing stub for every public Java method name their primitives would otherwise reach
 * (computed here by reflection), then freezes every object reachable from the global, plus the prototypes
 * only instances reach (iterators).</li>
 * </ul>
 */
final class SandboxGlobal {

    private static final Class<?>[] STRING_CLASSES = {String.class, CharSequence.class, Comparable.class,
        org.openjdk.nashorn.internal.runtime.ConsString.class};
    private static final Class<?>[] NUMBER_CLASSES = {Integer.class, Long.class, Double.class, Float.class,
        Short.class, Byte.class, Number.class};
    private static final Class<?>[] BOOLEAN_CLASSES = {Boolean.class};
    private static final Class<?>[] SYMBOL_CLASSES = {org.openjdk.nashorn.internal.runtime.Symbol.class};

    private SandboxGlobal() {
    }

    /** A function of the global object. */
    static String cleanupScript() {
        return CLEANUP;
    }

    /** A function of the global object; run after {@link BuiltinCaps} so its methods are not stubbed. */
    static String lockScript() {
        return LOCK
                .replace("$STRING_METHODS", names(STRING_CLASSES))
                .replace("$NUMBER_METHODS", names(NUMBER_CLASSES))
                .replace("$BOOLEAN_METHODS", names(BOOLEAN_CLASSES))
                .replace("$SYMBOL_METHODS", names(SYMBOL_CLASSES));
    }

    /** Every public method name of the classes (Object's included), as a JavaScript array literal. */
    static String names(Class<?>... types) {
        Set<String> names = new TreeSet<>();
        for (Class<?> type : types) {
            Arrays.stream(type.getMethods()).map(Method::getName).forEach(names::add);
        }
        return names.stream().map(name -> "'" + name + "'").collect(Collectors.joining(",", "[", "]"));
    }

    /** Removes every non-standard global, Nashorn's extensions, and the paths to Java exceptions. */
    private static final String CLEANUP = """
        (function (global) {
          'use strict';
          var defineProperty = Object.defineProperty, getOwnPropertyNames = Object.getOwnPropertyNames,
              getOwnPropertySymbols = Object.getOwnPropertySymbols, getPrototypeOf = Object.getPrototypeOf,
              getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
          var FP = getPrototypeOf(function () {}), AP = Array.prototype;
          var hasOwn = FP.call.bind(Object.prototype.hasOwnProperty);
          function fixed(target, name, value) {
            defineProperty(target, name, { value: value, writable: false, enumerable: false, configurable: false });
          }
          function method(target, name, value) {
            defineProperty(target, name, { value: value, writable: true, enumerable: false, configurable: true });
          }
          function remove(target, names) {
            names.forEach(function (name) { if (hasOwn(target, name)) { delete target[name]; } });
          }

          // globals: keep only standard ECMAScript builtins
          var KEEP = ['Object', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'Date', 'Math', 'JSON', 'RegExp',
            'Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError',
            'Map', 'Set', 'WeakMap', 'WeakSet', 'Promise', 'NaN', 'Infinity', 'undefined', 'isNaN', 'isFinite',
            'parseInt', 'parseFloat', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent',
            'escape', 'unescape'];
          // the compiler replaces these names by constants; their global slots hold an inert placeholder
          var COMPILE_TIME = ['__FILE__', '__DIR__', '__LINE__'];
          getOwnPropertyNames(global).forEach(function (name) {
            if (KEEP.indexOf(name) >= 0 || COMPILE_TIME.indexOf(name) >= 0) { return; }
            var descriptor = getOwnPropertyDescriptor(global, name);
            if (descriptor.configurable) {
              delete global[name];
            } else if (descriptor.writable) {
              global[name] = undefined;   // Nashorn's non-configurable 'arguments'
            } else {
              throw new Error('cannot remove the global ' + name);
            }
          });
          getOwnPropertySymbols(global).forEach(function (symbol) { delete global[symbol]; });
          ['engine', 'context'].forEach(function (name) { fixed(global, name, undefined); });

          // Nashorn's extensions on the builtins, and the Function constructor behind every function
          remove(Object, ['bindProperties', 'setIndexedPropertiesToExternalArrayData']);
          remove(Error, ['captureStackTrace', 'dumpStack']);
          remove(Error.prototype, ['getStackTrace', 'printStackTrace']);
          remove(FP, ['toSource']);
          remove(AP, ['assertNumeric']);
          fixed(FP, 'constructor', undefined);
          // Nashorn attaches its Java exception to a thrown object unless the name is already taken ...
          fixed(Object.prototype, 'nashornException', undefined);
          // ... and every error it constructs carries it as an own property: constructors here drop it
          var nativeErrors = {};
          function newError(name, message) {
            var error = message === undefined ? new nativeErrors[name]() : new nativeErrors[name](message);
            delete error.nashornException;
            return error;
          }
          var safeErrors = {
            Error: function Error(message) { return newError('Error', message); },
            EvalError: function EvalError(message) { return newError('EvalError', message); },
            RangeError: function RangeError(message) { return newError('RangeError', message); },
            ReferenceError: function ReferenceError(message) { return newError('ReferenceError', message); },
            SyntaxError: function SyntaxError(message) { return newError('SyntaxError', message); },
            TypeError: function TypeError(message) { return newError('TypeError', message); },
            URIError: function URIError(message) { return newError('URIError', message); }
          };
          getOwnPropertyNames(safeErrors).forEach(function (name) {
            nativeErrors[name] = global[name];
            safeErrors[name].prototype = global[name].prototype;
            method(global[name].prototype, 'constructor', safeErrors[name]);
            method(global, name, safeErrors[name]);
          });

          // RegExp without the legacy statics ($1, lastMatch ...), which hold the last match of any run
          var NativeRegExp = global.RegExp;
          var SafeRegExp = function RegExp(pattern, flags) {
            return flags === undefined ? new NativeRegExp(pattern) : new NativeRegExp(pattern, flags);
          };
          SafeRegExp.prototype = NativeRegExp.prototype;
          method(NativeRegExp.prototype, 'constructor', SafeRegExp);
          method(global, 'RegExp', SafeRegExp);
        })
        """;

    /** Stubs the Java methods primitives would reach, then freezes everything reachable from the global. */
    private static final String LOCK = """
        (function (global) {
          'use strict';
          var defineProperty = Object.defineProperty, getOwnPropertyNames = Object.getOwnPropertyNames,
              getOwnPropertySymbols = Object.getOwnPropertySymbols, getPrototypeOf = Object.getPrototypeOf,
              getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor, freeze = Object.freeze;
          var FP = getPrototypeOf(function () {}), call = FP.call, hasOwn = call.bind(Object.prototype.hasOwnProperty);
          function fixed(target, name, value) {
            defineProperty(target, name, { value: value, writable: false, enumerable: false, configurable: false });
          }
          var SP = String.prototype, COMPILE_TIME = ['__FILE__', '__DIR__', '__LINE__'];

          // Java methods on primitives: every public Java method name the script would otherwise reach
          function stubJavaMethods(prototype, typeName, names) {
            names.forEach(function (name) {
              if (!hasOwn(prototype, name)) {
                var stub = function () {
                  throw new TypeError(typeName + '.prototype.' + name + ' is not available in scripts');
                };
                fixed(prototype, name, freeze(stub));
              }
            });
          }
          stubJavaMethods(SP, 'String', $STRING_METHODS);
          stubJavaMethods(Number.prototype, 'Number', $NUMBER_METHODS);
          stubJavaMethods(Boolean.prototype, 'Boolean', $BOOLEAN_METHODS);
          stubJavaMethods(Symbol.prototype, 'Symbol', $SYMBOL_METHODS);

          // freeze everything reachable from the global, and the prototypes only instances reach
          var samples = [global, function () {}, function () { return arguments; }(), [][Symbol.iterator](),
            new Map().entries(), new Set().values(), ''[Symbol.iterator](), /x/, new Error(), new Date(0),
            call.bind(null)];
          var seen = new WeakSet(), pending = samples.slice();
          while (pending.length > 0) {
            var next = pending.pop();
            if (next === null || (typeof next !== 'object' && typeof next !== 'function') || seen.has(next)) {
              continue;
            }
            seen.add(next);
            getOwnPropertyNames(next).forEach(function (key) {
              if (next === global && COMPILE_TIME.indexOf(key) >= 0) { return; }
              var descriptor = getOwnPropertyDescriptor(next, key);
              pending.push(descriptor.value, descriptor.get, descriptor.set);
            });
            // Nashorn's getOwnPropertyDescriptor rejects symbol keys; builtins hold plain values there
            getOwnPropertySymbols(next).forEach(function (key) { pending.push(next[key]); });
            pending.push(getPrototypeOf(next));
            freeze(next);
          }
        })
        """;
}

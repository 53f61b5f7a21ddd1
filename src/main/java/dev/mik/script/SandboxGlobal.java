package dev.mik.script;

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
 * <li>Lock makes the built-ins that write an object's internal state (Date setters, {@code RegExp.prototype.compile},
 * every accessor setter) refuse a shared built-in receiver, then freezes every object reachable from the global,
 * plus the prototypes only instances reach (iterators). Together no run can leave state for a later or a
 * concurrent run, internal slots included. {@code Math.random} draws from a generator of the run's own
 * ({@link ScriptRandom}).</li>
 * </ul>
 * Java members of primitives ({@code "x".bytes}, {@code (1).getClass}) are not stubbed here: {@link JavaMemberBarrier}
 * stops their link.
 */
final class SandboxGlobal {

    private SandboxGlobal() {
    }

    /** A function of the global object. */
    static String cleanupScript() {
        return CLEANUP;
    }

    /** A function of the global object and a {@link ScriptRandom}; run after {@link BuiltinCaps} to freeze its work. */
    static String lockScript() {
        return LOCK;
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

    /**
     * Makes built-ins refuse to write the internal state of a shared object, gives {@code Math.random} a per-run
     * {@link ScriptRandom}, then freezes everything shared.
     */
    private static final String LOCK = """
        (function (global, randomSource) {
          'use strict';
          var defineProperty = Object.defineProperty, getOwnPropertyNames = Object.getOwnPropertyNames,
              getOwnPropertySymbols = Object.getOwnPropertySymbols, getPrototypeOf = Object.getPrototypeOf,
              getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor, freeze = Object.freeze;
          var FP = getPrototypeOf(function () {}), call = FP.call, apply = FP.apply, callWith = call.bind(call);
          var COMPILE_TIME = ['__FILE__', '__DIR__', '__LINE__'];

          // every object the global reaches, plus the prototypes only instances reach (iterators ...): all live as
          // long as the global, so the WeakSet of shared objects below never loses an entry, and concurrent runs
          // only ever read it (the WeakHashMap behind it is safe to read while nothing changes it)
          function reachable() {
            var samples = [function () {}, [][Symbol.iterator](), new Map().entries(), new Set().values(),
              ''[Symbol.iterator](), /x/, new Error(), new Date(0), call.bind(null)];
            var seen = new WeakSet(), found = [], pending = [global].concat(samples.map(getPrototypeOf));
            while (pending.length > 0) {
              var next = pending.pop();
              if (next === null || (typeof next !== 'object' && typeof next !== 'function') || seen.has(next)) {
                continue;
              }
              seen.add(next);
              found.push(next);
              getOwnPropertyNames(next).forEach(function (key) {
                if (next === global && COMPILE_TIME.indexOf(key) >= 0) { return; }
                var descriptor = getOwnPropertyDescriptor(next, key);
                pending.push(descriptor.value, descriptor.get, descriptor.set);
              });
              // Nashorn's getOwnPropertyDescriptor rejects symbol keys; builtins hold plain values there
              getOwnPropertySymbols(next).forEach(function (key) { pending.push(next[key]); });
              pending.push(getPrototypeOf(next));
            }
            return found;
          }

          // Freezing does not reach internal slots: Date.prototype is a Date whose time value setTime changes,
          // RegExp.prototype a RegExp whose pattern compile replaces, Array.prototype an array whose elements
          // push adds even when frozen, and Nashorn's accessor setters (Error's lineNumber, fileName ...) add
          // properties even to a frozen object. Those built-ins refuse a shared receiver; on a script's own
          // objects they work as before.
          var shared = new WeakSet();
          function refusingShared(original, what) {
            return function () {
              if (shared.has(this)) {
                throw new TypeError(what + ' cannot change a built-in object shared by all scripts');
              }
              // common arities without apply: push and friends are hot
              switch (arguments.length) {
                case 0: return callWith(original, this);
                case 1: return callWith(original, this, arguments[0]);
                case 2: return callWith(original, this, arguments[0], arguments[1]);
                default: return callWith(apply, original, this, arguments);
              }
            };
          }
          function guardMethod(target, name) {
            var descriptor = getOwnPropertyDescriptor(target, name);
            descriptor.value = refusingShared(descriptor.value, name);
            defineProperty(target, name, descriptor);
          }
          getOwnPropertyNames(Date.prototype).forEach(function (name) {
            if (name.indexOf('set') === 0 && typeof Date.prototype[name] === 'function') {
              guardMethod(Date.prototype, name);
            }
          });
          guardMethod(RegExp.prototype, 'compile');
          // a frozen Nashorn array still takes elements from push, unshift and splice
          ['push', 'pop', 'shift', 'unshift', 'splice', 'reverse', 'sort', 'fill', 'copyWithin'].forEach(function (name) {
            if (typeof Array.prototype[name] === 'function') { guardMethod(Array.prototype, name); }
          });
          reachable().forEach(function (object) {
            getOwnPropertyNames(object).forEach(function (key) {
              if (object === global && COMPILE_TIME.indexOf(key) >= 0) { return; }
              var descriptor = getOwnPropertyDescriptor(object, key);
              if (typeof descriptor.set === 'function' && descriptor.configurable) {
                descriptor.set = refusingShared(descriptor.set, 'the ' + key + ' setter');
                defineProperty(object, key, descriptor);
              }
            });
          });

          // java.lang.Math.random is one generator for the whole JVM, whose state a single value reveals
          defineProperty(Math, 'random', { value: function random() { return randomSource.next(); },
            writable: true, enumerable: false, configurable: true });

          reachable().forEach(function (object) {
            shared.add(object);
            freeze(object);
          });
        })
        """;
}

// The last step of hardening the global, evaluated once per sandbox by SandboxGlobal after builtin-caps.js: called
// with the global object and a ScriptRandom, it makes builtins refuse to write the internal state of shared objects,
// gives Math.random a per-run source, and freezes everything shared.
(function (global, randomSource) {
  'use strict';
  var defineProperty = Object.defineProperty, getOwnPropertyNames = Object.getOwnPropertyNames,
      getOwnPropertySymbols = Object.getOwnPropertySymbols, getPrototypeOf = Object.getPrototypeOf,
      getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor, freeze = Object.freeze;
  var FP = getPrototypeOf(function () {}), call = FP.call, apply = FP.apply, callWith = call.bind(call);

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

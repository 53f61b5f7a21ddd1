// The first step of hardening the global, evaluated once per sandbox by SandboxGlobal: called with the global object,
// it removes every non-standard global, Nashorn's extensions and the paths to Java exceptions.
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
  getOwnPropertyNames(global).forEach(function (name) {
    if (KEEP.indexOf(name) >= 0) { return; }
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

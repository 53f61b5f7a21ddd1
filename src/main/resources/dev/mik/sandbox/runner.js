// The trusted JavaScript of one run inside the hardened global, evaluated once per sandbox by RunnerScript. Called
// with the internals builtin-caps.js returned, the longest console line and the longest JSON result, it returns the
// function that parses the input and request text, builds the frozen host and console closures over the run's
// guard, calls the compiled factory with the guard, and reports the returned value as JSON text.
(function (internals, maxLog, maxJson) {
  'use strict';
  var MAX_LOG = maxLog, MAX_JSON = maxJson;
  var parse = internals.parse, stringify = internals.stringify, forIn = internals.forIn, freeze = Object.freeze,
      isFrozen = Object.isFrozen, isExtensible = Object.isExtensible,
      defineProperty = Object.defineProperty, getOwnPropertyNames = Object.getOwnPropertyNames;

  function deepFreeze(value) {
    if (value !== null && typeof value === 'object' && !isFrozen(value)) {
      freeze(value);
      getOwnPropertyNames(value).forEach(function (key) { deepFreeze(value[key]); });
    }
    return value;
  }

  // every `throw x` in a script throws safeThrow(x). Nashorn hands its Java exception to a thrown object by
  // an ordinary [[Set]] of 'nashornException' (a setter would receive it, a writable property keep it), after
  // running the object's name and message getters; so that name must resolve to a data property no script
  // code can change: an own fixed one on an extensible object, else a fixed one along a frozen chain
  var EXCEPTION_SLOT = 'nashornException', getPrototypeOf = Object.getPrototypeOf,
      getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  function isFixedData(descriptor) {
    return !('get' in descriptor) && !descriptor.writable && !descriptor.configurable;
  }
  function fixedAlongFrozenChain(object) {
    for (; object !== null; object = getPrototypeOf(object)) {
      var descriptor = getOwnPropertyDescriptor(object, EXCEPTION_SLOT);
      if (descriptor !== undefined) { return isFixedData(descriptor); }
      if (isExtensible(object)) { return false; }
    }
    return false;
  }
  var safeThrow = freeze(function safeThrow(value) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) { return value; }
    var own = getOwnPropertyDescriptor(value, EXCEPTION_SLOT);
    if (own === undefined && isExtensible(value)) {
      defineProperty(value, EXCEPTION_SLOT, { value: undefined });   // fixed: not writable nor configurable
      return value;
    }
    if (own === undefined ? fixedAlongFrozenChain(getPrototypeOf(value)) : isFixedData(own)) { return value; }
    throw new TypeError('an object whose ' + EXCEPTION_SLOT + ' property can change cannot be thrown');
  });

  function describe(value) {
    if (typeof value === 'string') { return value; }
    if (typeof value === 'function') { return '[function ' + (value.name || 'anonymous') + ']'; }
    if (typeof value === 'symbol') { return value.toString(); }
    if (value === null || typeof value !== 'object') { return String(value); }
    if (value instanceof Error) { return String(value); }
    try {
      var json = stringify(value, undefined, undefined, MAX_LOG);
      return json === undefined ? String(value) : json;
    } catch (e) {
      if (e instanceof RangeError || e instanceof TypeError) { return '[object too large or cyclic to log]'; }
      throw e;
    }
  }

  function consoleFor(g) {
    function writer(level) {
      return freeze(function () {
        var parts = [], length = 0;
        for (var i = 0; i < arguments.length && length <= MAX_LOG; i++) {
          var part = describe(arguments[i]);
          parts.push(part.length > MAX_LOG ? part.substring(0, MAX_LOG + 1) : part);
          length += part.length + 1;
        }
        var message = parts.join(' ');
        g.log(level, message.length > MAX_LOG ? message.substring(0, MAX_LOG) + '\u2026' : message);
      });
    }
    return freeze({ log: writer('log'), info: writer('info'), warn: writer('warn'), error: writer('error') });
  }

  function hostFor(g, results, texts) {
    return freeze({
      call: freeze(function call(module, options) {
        // failures are results: the host answers a bad name with 400 INVALID_NAME and options that are
        // not a JSON object with 400 BAD_REQUEST, so neither is thrown here
        var name = typeof module === 'string' ? module
            : typeof module === 'symbol' ? module.toString() : String(module);
        var json;
        if (options === undefined || options === null) {
          json = '{}';
        } else if (typeof options === 'object') {
          json = stringify(options, undefined, undefined, MAX_JSON);
        }
        if (typeof json !== 'string') {
          // a number, string, boolean, function or symbol (or a toJSON giving undefined): a JSON string
          // naming its type, which the host rejects as not an object
          json = '"' + typeof options + '"';
        }
        var text = g.call(name, json);
        var result = parse(text);
        results.push(result);
        texts.push(text);
        return result;
      })
    });
  }

  return freeze(function run(factory, g, inputText, requestText) {
    var input = null;
    if (inputText !== null) {
      try {
        input = parse(inputText);
      } catch (e) {
        if (e instanceof SyntaxError) { g.rejectInput(String(e.message)); return; }
        throw e;
      }
    }
    var request = deepFreeze(parse(requestText));
    var results = [], texts = [];
    // __gv(x) in the instrumented code: a guard check after x, x's value unchanged; __gk(o): what a for-in
    // walks, held to the caps
    var main = factory(g, safeThrow, freeze(function (value) { g.t(); return value; }), forIn);
    var value = main(input, request, hostFor(g, results, texts), consoleFor(g));
    var call = value !== null && typeof value === 'object' ? results.indexOf(value) : -1;
    var json;
    try {
      json = stringify(value, undefined, undefined, MAX_JSON);
    } catch (e) {
      if (e instanceof TypeError || e instanceof RangeError) { g.rejectResult(String(e.message)); return; }
      throw e;
    }
    // a returned result is passed through only as the host answered it; one the script changed (a deleted
    // field, a new status) is answered as changed
    var edited = call >= 0 && json !== stringify(parse(texts[call]), undefined, undefined, MAX_JSON);
    g.finish(call, edited, json === undefined ? 'null' : json);
    return value;   // for trusted callers in tests
  });
})

package dev.mik.script;

/**
 * The script that caps builtins which could run or allocate unboundedly inside one uninterruptible call, and
 * adds the ES2015+ methods Nashorn lacks (so no Java method of the same name is reached instead). Loops it runs
 * on a script's behalf call the current run's guard through a {@link GuardTicker}, held only by its closures.
 * It returns the bounded JSON serialiser the runner uses.
 *
 * <p>The caps, each a {@code RangeError} when exceeded:
 * <ul>
 * <li>{@link ScriptSandbox#MAX_STRING_LENGTH}: result length of {@code repeat}, {@code padStart},
 * {@code padEnd}, {@code Array.prototype.join} (and so {@code toString}), {@code String.prototype.concat};
 * {@code +} is capped by the same number in mik's ConsString.</li>
 * <li>{@link #MAX_ARRAY_LENGTH}: length of the array any {@code Array.prototype} walking method accepts (a
 * sparse {@code a[1e9]=1; a.indexOf(2)} otherwise runs for seconds), of {@code concat}'s and {@code split}'s
 * result, of {@code Array.from}, and the {@code n} of {@code fill}.</li>
 * <li>{@link #MAX_DEFAULT_SORT}: elements {@code sort()} orders without a comparator (it compares as strings
 * inside one call; with a comparator each comparison runs guarded script code).</li>
 * <li>{@link #MAX_APPLY_ARGUMENTS}: arguments {@code Function.prototype.apply} spreads.</li>
 * <li>{@link #MAX_JSON_LENGTH}: approximate length of {@code JSON.stringify}'s result, counted by a replacer
 * while it serialises, so an exponential DAG of shared arrays stops early.</li>
 * </ul>
 * Polyfilled: {@code String.prototype} repeat, padStart, padEnd, startsWith, endsWith, includes, codePointAt,
 * trimStart, trimEnd, replaceAll; {@code Array.prototype} includes, find, findIndex, fill; {@code Array.from},
 * {@code Array.of}, {@code Object.assign}, {@code Object.values}, {@code Object.entries}.
 */
final class BuiltinCaps {

    static final int MAX_ARRAY_LENGTH = 1_000_000;
    static final int MAX_DEFAULT_SORT = 100_000;
    static final int MAX_APPLY_ARGUMENTS = 65_536;
    static final int MAX_JSON_LENGTH = 8 * 1024 * 1024;

    private BuiltinCaps() {
    }

    /** A function of the global object and a {@link GuardTicker}. */
    static String script() {
        return SCRIPT
                .replace("$MAX_STRING_LENGTH", Integer.toString(ScriptSandbox.MAX_STRING_LENGTH))
                .replace("$MAX_ARRAY_LENGTH", Integer.toString(MAX_ARRAY_LENGTH))
                .replace("$MAX_DEFAULT_SORT", Integer.toString(MAX_DEFAULT_SORT))
                .replace("$MAX_APPLY_ARGUMENTS", Integer.toString(MAX_APPLY_ARGUMENTS))
                .replace("$MAX_JSON_LENGTH", Integer.toString(MAX_JSON_LENGTH));
    }

    private static final String SCRIPT = """
        (function (global, ticker) {
          'use strict';
          var defineProperty = Object.defineProperty, getOwnPropertyNames = Object.getOwnPropertyNames,
              freeze = Object.freeze;
          var FP = Object.getPrototypeOf(function () {}), call = FP.call;
          function method(target, name, value) {
            defineProperty(target, name, { value: value, writable: true, enumerable: false, configurable: true });
          }
          var MAX_STRING = $MAX_STRING_LENGTH, MAX_ARRAY = $MAX_ARRAY_LENGTH, MAX_DEFAULT_SORT = $MAX_DEFAULT_SORT,
              MAX_APPLY = $MAX_APPLY_ARGUMENTS, MAX_JSON = $MAX_JSON_LENGTH;
          var isArray = Array.isArray, floor = Math.floor, min = Math.min, max = Math.max;
          var nativeApply = FP.apply, callWith = call.bind(call), invoke = call.bind(nativeApply);
          var AP = Array.prototype, SP = String.prototype;
          // the current run's guard, for loops here that run on a script's behalf
          function tick() { ticker.tick(); }
          function limit(what, size, cap) {
            if (size > cap) { throw new RangeError(what + ': ' + size + ' exceeds the sandbox limit of ' + cap); }
            return size;
          }
          function toLength(value) {
            var n = +value;
            return n > 0 ? floor(min(n, 9007199254740991)) : 0;
          }
          function arrayLength(self, what) {
            if (self === null || self === undefined) { throw new TypeError(what + ' called on ' + self); }
            return limit(what + ' on an array-like whose length', toLength(self.length), MAX_ARRAY);
          }
          function toStringFor(self, what) {
            if (self === null || self === undefined) { throw new TypeError(what + ' called on ' + self); }
            return String(self);
          }

          // ES string methods Nashorn lacks, written here so no Java String method is reachable
          var nativeSplit = SP.split, nativeJoin = AP.join, nativeSort = AP.sort, nativeStringify = JSON.stringify,
              nativeIndexOf = SP.indexOf, nativeReplace = SP.replace, SafeRegExp = global.RegExp;
          function repeatString(s, count, what) {
            var n = floor(+count) || 0;
            if (n < 0 || n === Infinity) { throw new RangeError(what + ': invalid count ' + count); }
            limit(what + ' result length', s.length * n, MAX_STRING);
            var out = '', piece = s;
            while (n > 0) {
              tick();
              if (n & 1) { out += piece; }
              n = n >>> 1;
              if (n > 0) { piece += piece; }
            }
            return out;
          }
          function pad(self, targetLength, fill, atStart, what) {
            var s = toStringFor(self, what);
            var target = limit(what + ' length', toLength(targetLength), MAX_STRING);
            var filler = fill === undefined ? ' ' : String(fill);
            if (target <= s.length || filler === '') { return s; }
            var needed = target - s.length;
            var padding = repeatString(filler, Math.ceil(needed / filler.length), what).slice(0, needed);
            return atStart ? padding + s : s + padding;
          }
          var stringMethods = {
            repeat: function repeat(count) { return repeatString(toStringFor(this, 'repeat'), count, 'repeat'); },
            padStart: function padStart(targetLength, fill) { return pad(this, targetLength, fill, true, 'padStart'); },
            padEnd: function padEnd(targetLength, fill) { return pad(this, targetLength, fill, false, 'padEnd'); },
            startsWith: function startsWith(search, position) {
              var s = toStringFor(this, 'startsWith'), t = String(search);
              var start = min(max(floor(+position) || 0, 0), s.length);
              return s.substring(start, start + t.length) === t;
            },
            endsWith: function endsWith(search, endPosition) {
              var s = toStringFor(this, 'endsWith'), t = String(search);
              var end = endPosition === undefined ? s.length : min(max(floor(+endPosition) || 0, 0), s.length);
              return end >= t.length && s.substring(end - t.length, end) === t;
            },
            includes: function includes(search, position) {
              return callWith(nativeIndexOf, toStringFor(this, 'includes'), String(search), position) !== -1;
            },
            codePointAt: function codePointAt(position) {
              var s = toStringFor(this, 'codePointAt'), i = floor(+position) || 0;
              if (i < 0 || i >= s.length) { return undefined; }
              var first = s.charCodeAt(i);
              if (first < 0xD800 || first > 0xDBFF || i + 1 === s.length) { return first; }
              var second = s.charCodeAt(i + 1);
              return second < 0xDC00 || second > 0xDFFF ? first : (first - 0xD800) * 0x400 + second - 0xDC00 + 0x10000;
            },
            trimStart: function trimStart() { return toStringFor(this, 'trimStart').replace(/^\\s+/, ''); },
            trimEnd: function trimEnd() { return toStringFor(this, 'trimEnd').replace(/\\s+$/, ''); },
            replaceAll: function replaceAll(search, replacement) {
              var s = toStringFor(this, 'replaceAll');
              if (search instanceof SafeRegExp) {
                if (!search.global) { throw new TypeError('replaceAll needs a global (/g) regular expression'); }
                return callWith(nativeReplace, s, search, replacement);
              }
              var pattern = new SafeRegExp(String(search).replace(/[\\\\^$.*+?()[\\]{}|]/g, '\\\\$&'), 'g');
              return callWith(nativeReplace, s, pattern, replacement);
            },
            split: function split(separator, count) {
              var s = toStringFor(this, 'split');
              var most = count === undefined ? MAX_ARRAY + 1 : min(count >>> 0, MAX_ARRAY + 1);
              var parts = callWith(nativeSplit, s, separator, most);
              limit('split result length', parts.length, MAX_ARRAY);
              return parts;
            },
            concat: function concat() {
              var parts = [toStringFor(this, 'concat')], total = parts[0].length;
              limit('concat argument count', arguments.length, MAX_APPLY);
              for (var i = 0; i < arguments.length; i++) {
                tick();
                parts.push(String(arguments[i]));
                total = limit('concat result length', total + parts[i + 1].length, MAX_STRING);
              }
              return callWith(nativeJoin, parts, '');
            }
          };
          getOwnPropertyNames(stringMethods).forEach(function (name) { method(SP, name, stringMethods[name]); });

          // arrays: a cap on the length any builtin walks, and the ES2015 methods Nashorn lacks
          ['every', 'filter', 'forEach', 'indexOf', 'lastIndexOf', 'map', 'reduce', 'reduceRight', 'reverse',
           'slice', 'some', 'splice', 'shift', 'unshift', 'toLocaleString'].forEach(function (name) {
            var original = AP[name], what = 'Array.prototype.' + name;
            method(AP, name, function () { arrayLength(this, what); return invoke(original, this, arguments); });
          });
          var arrayMethods = {
            join: function join(separator) {
              var n = arrayLength(this, 'Array.prototype.join');
              var glue = separator === undefined ? ',' : String(separator), parts = new Array(n), total = 0;
              for (var i = 0; i < n; i++) {
                tick();
                var element = this[i];
                parts[i] = element === undefined || element === null ? '' : String(element);
                total = limit('join result length', total + parts[i].length + (i > 0 ? glue.length : 0), MAX_STRING);
              }
              return callWith(nativeJoin, parts, glue);
            },
            toString: function toString() {
              return typeof this.join === 'function' ? this.join() : Object.prototype.toString.call(this);
            },
            concat: function concat() {
              var total = isArray(this) ? arrayLength(this, 'Array.prototype.concat') : 1;
              for (var i = 0; i < arguments.length; i++) {
                var part = arguments[i];
                total = limit('concat result length',
                  total + (isArray(part) ? arrayLength(part, 'Array.prototype.concat') : 1), MAX_ARRAY);
              }
              return invoke(nativeConcatArray, this, arguments);
            },
            sort: function sort(compare) {
              var n = arrayLength(this, 'Array.prototype.sort');
              if (compare === undefined) { limit('sort() without a comparator on a length', n, MAX_DEFAULT_SORT); }
              return callWith(nativeSort, this, compare);
            },
            includes: function includes(search, fromIndex) {
              var n = arrayLength(this, 'Array.prototype.includes');
              for (var i = max(floor(+fromIndex) || 0, 0); i < n; i++) {
                tick();
                var element = this[i];
                if (element === search || (element !== element && search !== search)) { return true; }
              }
              return false;
            },
            find: function find(predicate, self) {
              var n = arrayLength(this, 'Array.prototype.find');
              for (var i = 0; i < n; i++) {
                tick();
                if (callWith(predicate, self, this[i], i, this)) { return this[i]; }
              }
              return undefined;
            },
            findIndex: function findIndex(predicate, self) {
              var n = arrayLength(this, 'Array.prototype.findIndex');
              for (var i = 0; i < n; i++) { tick(); if (callWith(predicate, self, this[i], i, this)) { return i; } }
              return -1;
            },
            fill: function fill(value, start, end) {
              var n = arrayLength(this, 'Array.prototype.fill');
              var from = floor(+start) || 0, to = end === undefined ? n : floor(+end) || 0;
              from = from < 0 ? max(n + from, 0) : min(from, n);
              to = to < 0 ? max(n + to, 0) : min(to, n);
              for (var i = from; i < to; i++) { tick(); this[i] = value; }
              return this;
            }
          };
          var nativeConcatArray = AP.concat;
          getOwnPropertyNames(arrayMethods).forEach(function (name) { method(AP, name, arrayMethods[name]); });
          method(Array, 'of', function of() { return invoke(AP.slice, arguments, []); });
          method(Array, 'from', function from(source, mapper, self) {
            if (source === null || source === undefined) {
              throw new TypeError('Array.from needs an array-like or iterable');
            }
            var out = [], i = 0;
            var take = function (value) {
              tick();
              limit('Array.from result length', i + 1, MAX_ARRAY);
              out.push(mapper === undefined ? value : callWith(mapper, self, value, i));
              i++;
            };
            if (typeof source === 'string' || isArray(source) || typeof source[Symbol.iterator] !== 'function') {
              var n = arrayLength(Object(source), 'Array.from');
              for (var k = 0; k < n; k++) { take(source[k]); }
            } else {
              for (var value of source) { take(value); }
            }
            return out;
          });

          // Object helpers from ES2015/2017
          method(Object, 'assign', function assign(target) {
            if (target === null || target === undefined) { throw new TypeError('Object.assign needs a target object'); }
            var to = Object(target);
            for (var i = 1; i < arguments.length; i++) {
              var from = arguments[i];
              if (from !== null && from !== undefined) {
                Object.keys(from).forEach(function (key) { tick(); to[key] = from[key]; });
              }
            }
            return to;
          });
          method(Object, 'values', function values(o) { return Object.keys(o).map(function (k) { return o[k]; }); });
          method(Object, 'entries', function entries(o) {
            return Object.keys(o).map(function (k) { return [k, o[k]]; });
          });

          // apply and JSON.stringify
          method(FP, 'apply', function apply(self, args) {
            if (args !== null && args !== undefined) {
              limit('apply argument count', toLength(args.length), MAX_APPLY);
            }
            return callWith(nativeApply, this, self, args);
          });
          function boundedStringify(value, replacer, space, cap) {
            var gap = typeof space === 'number' ? min(10, max(0, floor(space))) :
                      typeof space === 'string' ? min(10, space.length) : 0;
            var userReplacer = typeof replacer === 'function' ? replacer : null;
            var depths = new WeakMap(), budget = cap;
            var counting = function (key, v) {
              tick();
              if (userReplacer !== null) { v = callWith(userReplacer, this, key, v); }
              var depth = (depths.get(this) || 0) + 1;
              var size = String(key).length + 4 + gap * depth;
              if (typeof v === 'string') { size += v.length; }
              else if (typeof v === 'number') { size += 24; }
              else if (v !== null && typeof v === 'object') { depths.set(v, depth); }
              budget -= size;
              if (budget < 0) {
                throw new RangeError('JSON.stringify: the result would exceed ' + cap + ' characters');
              }
              return v;
            };
            if (isArray(replacer)) {
              nativeStringify(value, counting, space);
              return nativeStringify(value, replacer, space);
            }
            return nativeStringify(value, counting, space);
          }
          method(JSON, 'stringify', function stringify(value, replacer, space) {
            return boundedStringify(value, replacer, space, MAX_JSON);
          });

          return freeze({ stringify: boundedStringify });
        })
        """;
}

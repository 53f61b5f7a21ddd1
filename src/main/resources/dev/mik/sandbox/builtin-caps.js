// The sandbox's builtin caps, evaluated once per sandbox by BuiltinCaps before any script runs.
// Called with the global object, a GuardTicker (the guard's checks, reached only through this closure) and the
// caps as JSON text, made by BuiltinCaps from its Java constants and builtins.tsv. It wraps every builtin whose
// work grows with its input and returns the internals the runner needs (bounded stringify, measured parse, forIn).
(function (global, ticker, capsJson) {
  'use strict';
  var caps = JSON.parse(capsJson);   // still the native JSON.parse: nothing is capped yet
  var defineProperty = Object.defineProperty, getOwnPropertyNames = Object.getOwnPropertyNames,
      freeze = Object.freeze;
  var FP = Object.getPrototypeOf(function () {}), call = FP.call;
  function method(target, name, value) {
    defineProperty(target, name, { value: value, writable: true, enumerable: false, configurable: true });
  }
  var MAX_STRING = caps.maxString, MAX_ARRAY = caps.maxArray, MAX_COLLECTION = caps.maxCollection,
      MAX_DEFAULT_SORT = caps.maxDefaultSort, MAX_APPLY = caps.maxApply, MAX_JSON = caps.maxJson,
      MAX_JSON_VALUES = caps.maxJsonValues, MAX_JOIN = caps.maxJoin, MAX_JSON_PARSE = caps.maxJsonParse,
      MAX_COLLATE = caps.maxCollate, MAX_MATCHES = caps.maxMatches, LONG_STRING = caps.longString,
      MAX_JSON_MEMBERS = caps.maxJsonMembers;
  var isArray = Array.isArray, floor = Math.floor, min = Math.min, max = Math.max,
      getPrototypeOf = Object.getPrototypeOf, hasOwn = call.bind(Object.prototype.hasOwnProperty);
  var nativeApply = FP.apply, callWith = call.bind(call), invoke = call.bind(nativeApply);
  var AP = Array.prototype, SP = String.prototype;
  // the current run's guard, for loops here that run on a script's behalf
  function tick() { ticker.tick(); }
  // on entry to every builtin whose work grows with its input: a tripped run stops, the budget is read
  function enter() { ticker.enter(); }
  // the same for a builtin about to allocate about this many bytes: the memory pool must cover them first,
  // so many runs making large strings at once cannot hold more heap together than the pool
  function enterAhead(bytes) { ticker.enterAhead(bytes); }
  // what a call may allocate, from its string operands: a flattened copy (2 bytes a character) and a result
  function textBytes(v) { return typeof v === 'string' ? 2 * v.length : 0; }
  function limit(what, size, cap) {
    if (size > cap) { throw new RangeError(what + ': ' + size + ' exceeds the sandbox limit of ' + cap); }
    return size;
  }
  function toLength(value) {
    var n = +value;
    return n > 0 ? floor(min(n, 9007199254740991)) : 0;
  }
  function arrayLength(self, what) {
    enter();
    if (self === null || self === undefined) { throw new TypeError(what + ' called on ' + self); }
    return limit(what + ' on an array-like whose length', toLength(self.length), MAX_ARRAY);
  }
  function toStringFor(self, what) {
    enter();
    if (self === null || self === undefined) { throw new TypeError(what + ' called on ' + self); }
    return String(self);
  }

  // ES string methods Nashorn lacks, written here so no Java String method is reachable
  var nativeSplit = SP.split, nativeJoin = AP.join, nativeSort = AP.sort, nativeStringify = JSON.stringify,
      nativeIndexOf = SP.indexOf, nativeReplace = SP.replace, SafeRegExp = global.RegExp;
  var objectToString = Object.prototype.toString, RegExpPrototype = SafeRegExp.prototype,
      nativeArrayIndexOf = AP.indexOf, nativeArrayLastIndexOf = AP.lastIndexOf,
      nativeLocaleCompare = SP.localeCompare, nativeMatch = SP.match,
      nativeParse = JSON.parse, nativeEscape = global.escape;

  // replace: the native one builds its whole result inside one call, so a short input with a long
  // replacement ('a'.repeat(4000).replace(/a/g, 'b'.repeat(8e6))) allocates gigabytes before any guard
  // looks. The expansion of a replacement string is measured before anything is built; the results of
  // a replacer function are counted as they come.
  function isRegExp(value) {
    // what the native replace takes as a regular expression: a Symbol.toStringTag cannot fake the class,
    // and RegExp.prototype (of class RegExp too) is converted to a string like any other object
    return value !== RegExpPrototype && objectToString.call(value) === '[object RegExp]';
  }
  // label: 'replace result length' or 'replaceAll result length', for the RangeError
  function boundedReplace(s, pattern, replacement, label) {
    var regExp = typeof pattern === 'object' && pattern !== null && isRegExp(pattern);
    if (!regExp) { pattern = String(pattern); }   // converted once, so a dry run and the replace agree
    if (typeof replacement === 'function') {
      return replaceCounting(s, pattern, replacement, label);
    }
    var template = typeof replacement === 'string' ? replacement : String(replacement);
    var most = replacementBound(s.length, regExp && pattern.global ? s.length + 1 : 1, template,
        regExp ? pattern : null);
    if (most > MAX_STRING) {
      most = measureReplacement(s, pattern, template, label);
    }
    // the result, built in a growing buffer, and the flattened input
    enterAhead(3 * 2 * min(most, MAX_STRING) + textBytes(s));
    return nativeReplace.call(s, pattern, template);
  }
  function replaceCounting(s, pattern, replacer, label) {
    var grown = 0;
    function counted(match, offset, piece) {
      if (typeof piece !== 'string') { piece = String(piece); }
      grown += piece.length - match.length;
      // what the native has built so far: the input up to this match's end, every match replaced
      var built = limit(label, (typeof offset === 'number' ? offset : 0) + match.length + grown, MAX_STRING);
      enterAhead(3 * 2 * built);   // the buffer it is building, which doubles as it grows
      return piece;
    }
    // the native passes (match, groups..., offset, input); with fewer than ten groups (known from the
    // pattern's '(' count) they are forwarded without an arguments object, which costs ~250 bytes a match
    var replaced = nativeReplace.call(s, pattern, parenCount(pattern) < 10
      ? function (a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11) {
          var f = replacer;
          return typeof a1 === 'number' ? counted(a0, a1, f(a0, a1, a2))
            : typeof a2 === 'number' ? counted(a0, a2, f(a0, a1, a2, a3))
            : typeof a3 === 'number' ? counted(a0, a3, f(a0, a1, a2, a3, a4))
            : typeof a4 === 'number' ? counted(a0, a4, f(a0, a1, a2, a3, a4, a5))
            : typeof a5 === 'number' ? counted(a0, a5, f(a0, a1, a2, a3, a4, a5, a6))
            : typeof a6 === 'number' ? counted(a0, a6, f(a0, a1, a2, a3, a4, a5, a6, a7))
            : typeof a7 === 'number' ? counted(a0, a7, f(a0, a1, a2, a3, a4, a5, a6, a7, a8))
            : typeof a8 === 'number' ? counted(a0, a8, f(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9))
            : typeof a9 === 'number' ? counted(a0, a9, f(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10))
            : counted(a0, a10, f(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11));
        }
      : function (match) {
          var piece = nativeApply.call(replacer, undefined, arguments);
          return counted(match, arguments[arguments.length - 2], piece);
        });
    limit(label, replaced.length, MAX_STRING);
    return replaced;
  }
  // at least the number of capture groups: a string pattern has none
  function parenCount(pattern) {
    if (typeof pattern === 'string') { return 0; }
    var source = pattern.source, n = 0, i = source.indexOf('(');
    while (i >= 0 && n < 10) { n++; i = source.indexOf('(', i + 1); }
    return n;
  }
  // an upper bound of the result's length from the replacement string alone, so that the usual replace
  // needs no dry run: each template character gives at most one character per match; $& inserts at
  // most the input in all (matches do not overlap), and so does $n unless the pattern looks around (a
  // group in a lookahead may lie beyond its match); $` and $' insert at most the input per match
  var lookaround = /\(\?[^:]/, nativeTest = RegExpPrototype.test;
  function replacementBound(length, most, template, regExp) {
    var i = template.indexOf('$');
    var inAll = 0, perMatch = 0, groupsInAll = null;
    while (i >= 0) {
      tick();
      var next = template.charAt(i + 1);
      if (next === '&') {
        inAll++;
      } else if (next === '`' || next === "'") {
        perMatch++;
      } else if (next >= '0' && next <= '9') {
        if (groupsInAll === null) {
          groupsInAll = regExp === null || !callWith(nativeTest, lookaround, regExp.source);
        }
        if (groupsInAll) { inAll++; } else { perMatch++; }
      }
      i = template.indexOf('$', next === '$' ? i + 2 : i + 1);
    }
    return length + most * template.length + inAll * length + perMatch * most * length;
  }
  // the exact length of the native result, from a dry run that replaces every match by ''
  function measureReplacement(s, pattern, template, label) {
    var counts = null, grown = 0, length = s.length;
    callWith(nativeReplace, s, pattern, function (match) {
      tick();
      var n = arguments.length, offset = arguments[n - 2];
      if (counts === null) { counts = templateCounts(template, n - 3); }
      var size = counts.literal + counts.match * match.length + counts.before * offset
          + counts.after * (length - offset - match.length);
      for (var i = 0; i < counts.groups.length; i++) {
        var group = arguments[counts.groups[i]];
        if (group !== undefined) { size += counts.uses[i] * group.length; }
      }
      grown += size - match.length;
      limit(label, offset + match.length + grown, MAX_STRING);
      return '';
    });
    return limit(label, length + grown, MAX_STRING);
  }
  // how often each part occurs in a replacement string, read as Nashorn's appendReplacement reads it:
  // $$, $&, $`, $', $n and $nn (up to the group count only; $0 stays text); any other $ stays text
  function templateCounts(template, groupCount) {
    var counts = { literal: 0, match: 0, before: 0, after: 0, groups: [], uses: [] };
    var n = template.length, i = 0;
    while (i < n) {
      tick();
      var dollar = callWith(nativeIndexOf, template, '$', i);
      if (dollar < 0) { counts.literal += n - i; break; }
      counts.literal += dollar - i;
      i = dollar + 1;
      if (i === n) { counts.literal++; break; }
      var next = template.charAt(i), digit = template.charCodeAt(i) - 48;
      if (digit >= 0 && digit <= 9 && digit <= groupCount) {
        var ref = digit;
        i++;
        var second = i < n ? template.charCodeAt(i) - 48 : -1;
        if (digit < groupCount && second >= 0 && second <= 9
            && digit * 10 + second <= groupCount && digit * 10 + second > 0) {
          ref = digit * 10 + second;
          i++;
        }
        if (ref === 0) {
          counts.literal += 2;
        } else {
          var at = callWith(nativeArrayIndexOf, counts.groups, ref);
          if (at < 0) { at = counts.groups.length; counts.groups.push(ref); counts.uses.push(0); }
          counts.uses[at]++;
        }
      } else if (next === '$') { counts.literal++; i++; }
      else if (next === '&') { counts.match++; i++; }
      else if (next === '`') { counts.before++; i++; }
      else if (next === "'") { counts.after++; i++; }
      else { counts.literal++; }
    }
    return counts;
  }
  function clampIndex(position, length) {
    var n = floor(+position) || 0;
    return n < 0 ? 0 : n > length ? length : n;
  }
  // patterns up to this length go to the JDK's (vectorised) search
  var LONG_STRING_SEARCH = 16;
  function splitLinear(s, separator, most) {
    var parts = [], at = 0;
    if (most === 0) { return parts; }
    for (;;) {
      tick();
      var i = ticker.indexOf(s, separator, at);
      if (i < 0) { break; }
      parts.push(s.substring(at, i));
      if (parts.length >= most) { return parts; }
      at = i + separator.length;
    }
    parts.push(s.substring(at));
    return parts;
  }
  function caseMapped(self, upper, what) {
    var s = toStringFor(self, what);
    enterAhead(2 * textBytes(s));
    var mapped = upper ? ticker.upperCase(s, MAX_STRING) : ticker.lowerCase(s, MAX_STRING);
    if (mapped === null) {
      throw new RangeError(what + ': the result would exceed the sandbox limit of ' + MAX_STRING);
    }
    return mapped;
  }
  function repeatString(s, count, what) {
    var n = floor(+count) || 0;
    if (n < 0 || n === Infinity) { throw new RangeError(what + ': invalid count ' + count); }
    limit(what + ' result length', s.length * n, MAX_STRING);
    enterAhead(3 * s.length * n);
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
      var s = toStringFor(this, 'includes');
      return ticker.indexOf(s, String(search), clampIndex(position, s.length)) !== -1;
    },
    // the JDK's search is naive, O(n·m): a linear one in Java for long patterns
    indexOf: function indexOf(search, position) {
      var s = toStringFor(this, 'indexOf');
      return ticker.indexOf(s, String(search), clampIndex(position, s.length));
    },
    lastIndexOf: function lastIndexOf(search, position) {
      var s = toStringFor(this, 'lastIndexOf'), t = String(search), at = +position;
      return ticker.lastIndexOf(s, t, at !== at ? s.length : clampIndex(at, s.length));
    },
    toUpperCase: function toUpperCase() { return caseMapped(this, true, 'toUpperCase'); },
    toLocaleUpperCase: function toLocaleUpperCase() { return caseMapped(this, true, 'toLocaleUpperCase'); },
    toLowerCase: function toLowerCase() { return caseMapped(this, false, 'toLowerCase'); },
    toLocaleLowerCase: function toLocaleLowerCase() { return caseMapped(this, false, 'toLocaleLowerCase'); },
    localeCompare: function localeCompare(that) {
      var s = toStringFor(this, 'localeCompare'), t = String(that);
      limit('localeCompare string length', max(s.length, t.length), MAX_COLLATE);
      return callWith(nativeLocaleCompare, s, t);
    },
    match: function match(regexp) {
      var s = toStringFor(this, 'match');
      var re = isRegExp(regexp) ? regexp : regexp === undefined ? new SafeRegExp() : new SafeRegExp(regexp);
      if (!re.global) { return callWith(nativeMatch, s, re); }
      // a flattened copy, and a string of ~48 bytes for every match
      enterAhead(textBytes(s) + 48 * min(s.length, MAX_MATCHES));
      // every match is a string of its own: counted as the engine finds them
      var found = [];
      callWith(nativeReplace, s, re, function (matched) {
        tick();
        limit('match result length', found.length + 1, MAX_MATCHES);
        found.push(matched);
        return '';
      });
      return found.length === 0 ? null : found;
    },
    codePointAt: function codePointAt(position) {
      var s = toStringFor(this, 'codePointAt'), i = floor(+position) || 0;
      if (i < 0 || i >= s.length) { return undefined; }
      var first = s.charCodeAt(i);
      if (first < 0xD800 || first > 0xDBFF || i + 1 === s.length) { return first; }
      var second = s.charCodeAt(i + 1);
      return second < 0xDC00 || second > 0xDFFF ? first : (first - 0xD800) * 0x400 + second - 0xDC00 + 0x10000;
    },
    trimStart: function trimStart() { return toStringFor(this, 'trimStart').replace(/^\s+/, ''); },
    trimEnd: function trimEnd() { return toStringFor(this, 'trimEnd').replace(/\s+$/, ''); },
    replace: function replace(pattern, replacement) {
      return boundedReplace(toStringFor(this, 'replace'), pattern, replacement, 'replace result length');
    },
    replaceAll: function replaceAll(search, replacement) {
      var s = toStringFor(this, 'replaceAll');
      if (isRegExp(search)) {
        if (!search.global) { throw new TypeError('replaceAll needs a global (/g) regular expression'); }
        return boundedReplace(s, search, replacement, 'replaceAll result length');
      }
      var escaped = boundedReplace(String(search), /[\\^$.*+?()[\]{}|]/g, '\\$&',
          'replaceAll pattern length');
      return boundedReplace(s, new SafeRegExp(escaped, 'g'), replacement, 'replaceAll result length');
    },
    split: function split(separator, count) {
      var s = toStringFor(this, 'split');
      var most = count === undefined ? MAX_ARRAY + 1 : min(count >>> 0, MAX_ARRAY + 1);
      enterAhead(textBytes(s) + 48 * min(s.length + 1, most));
      var parts = typeof separator === 'string' && separator.length > LONG_STRING_SEARCH
          ? splitLinear(s, separator, most) : callWith(nativeSplit, s, separator, most);
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
      enterAhead(3 * 2 * total);
      return callWith(nativeJoin, parts, '');
    }
  };
  getOwnPropertyNames(stringMethods).forEach(function (name) { method(SP, name, stringMethods[name]); });

  // arrays: a cap on the length any builtin walks, and the ES2015 methods Nashorn lacks
  ['every', 'filter', 'forEach', 'map', 'reduce', 'reduceRight', 'reverse',
   'slice', 'some', 'splice', 'shift', 'unshift'].forEach(function (name) {
    var original = AP[name], what = 'Array.prototype.' + name;
    method(AP, name, function () { arrayLength(this, what); return invoke(original, this, arguments); });
  });
  // sort()'s default order (both converted to strings, compared by code units), with a guard check per comparison
  function defaultOrder(x, y) {
    enter();
    var a = String(x), b = String(y);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  // the first n elements of self joined with glue, each made into its part by partOf after a guard check (an
  // element's own conversion may be a native that runs no script code, a String object's valueOf, a bound native),
  // measured as it comes against MAX_STRING, then one native join of the parts
  function joinMeasured(self, n, glue, what, partOf) {
    var parts = new Array(n), total = 0;
    for (var i = 0; i < n; i++) {
      enter();
      var part = partOf(self[i]);
      parts[i] = part;
      total += part.length + glue.length;
      if (total > MAX_STRING + glue.length) { limit(what, total - glue.length, MAX_STRING); }
    }
    enterAhead(3 * 2 * total);
    return callWith(nativeJoin, parts, glue);
  }
  var arrayMethods = {
    join: function join(separator) {
      var n = limit('Array.prototype.join element count', arrayLength(this, 'Array.prototype.join'), MAX_JOIN);
      var glue = separator === undefined ? ',' : String(separator), parts = new Array(n);
      // strings, numbers and the like have a known bound: one cheap pass, then the native join
      // (each element is read once: a getter could answer the measuring pass and the native join differently)
      var bound = 0, simple = true;
      for (var k = 0; k < n && simple; k++) {
        if ((k & 1023) === 0) { tick(); }
        var item = this[k], kind = typeof item;
        parts[k] = item;
        bound += (kind === 'string' ? item.length : kind === 'object' && item !== null ? 0 : 24) + glue.length;
        simple = (kind !== 'object' || item === null) && kind !== 'function';
      }
      if (simple && bound <= MAX_STRING + glue.length) {
        enterAhead(3 * 2 * bound);   // the result, built in a growing buffer
        return callWith(nativeJoin, parts, glue);
      }
      // objects convert through their own toString
      return joinMeasured(this, n, glue, 'join result length', function (element) {
        return typeof element === 'string' ? element
          : element === undefined || element === null ? '' : String(element);
      });
    },
    toLocaleString: function toLocaleString() {
      var n = limit('Array.prototype.toLocaleString element count',
        arrayLength(this, 'Array.prototype.toLocaleString'), MAX_JOIN);
      return joinMeasured(this, n, ',', 'toLocaleString result length', function (element) {
        return element === undefined || element === null ? '' : String(element.toLocaleString());
      });
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
      enterAhead(3 * 16 * total);   // a slot of the result for every element, in a growing array
      return invoke(nativeConcatArray, this, arguments);
    },
    sort: function sort(compare) {
      var n = arrayLength(this, 'Array.prototype.sort');
      if (compare === undefined) {
        limit('sort() without a comparator on a length', n, MAX_DEFAULT_SORT);
        // each comparison is O(common prefix): the strings' total length bounds the sort
        var total = 0, primitives = true;
        for (var i = 0; i < n; i++) {
          var element = this[i], kind = typeof element;
          if (kind === 'string') {
            total = limit('sort() without a comparator on strings whose total length', total + element.length,
              MAX_STRING);
          } else if (element !== null && (kind === 'object' || kind === 'function')) {
            primitives = false;
          }
        }
        // an object converts through its own toString, which may be a native that runs no script code (a String
        // object's): the native sort would compare long strings with no check between comparisons
        if (!primitives) { compare = defaultOrder; }
      }
      return callWith(nativeSort, this, compare);
    },
    // a long search string costs O(m) per element compared: those compares tick
    indexOf: function indexOf(search, fromIndex) {
      var n = arrayLength(this, 'Array.prototype.indexOf');
      if (typeof search !== 'string' || search.length <= LONG_STRING) {
        return invoke(nativeArrayIndexOf, this, arguments);
      }
      var k = floor(+fromIndex) || 0;
      for (var i = k < 0 ? max(n + k, 0) : k; i < n; i++) {
        tick();
        if (i in this && this[i] === search) { return i; }
      }
      return -1;
    },
    lastIndexOf: function lastIndexOf(search, fromIndex) {
      var n = arrayLength(this, 'Array.prototype.lastIndexOf');
      if (typeof search !== 'string' || search.length <= LONG_STRING) {
        return invoke(nativeArrayLastIndexOf, this, arguments);
      }
      var k = arguments.length > 1 ? floor(+fromIndex) || 0 : n - 1;
      for (var i = k < 0 ? n + k : min(k, n - 1); i >= 0; i--) {
        tick();
        if (i in this && this[i] === search) { return i; }
      }
      return -1;
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

  // keys of a string or an array: one new string per index
  // a string, a String object (told by its class: its prototype can be replaced), an array, or an object a
  // push gave index keys (push sets its own length): one key per index, listed in one native call. Only an
  // own length is read: a missing one is looked up recursively along the chain
  function listsIndexKeys(o) {
    return typeof o === 'string' || isArray(o) || o !== null && typeof o === 'object'
      && (objectToString.call(o) === '[object String]' || hasOwn(o, 'length') && typeof o.length === 'number');
  }
  function keyCountCapped(o, what) {
    enter();
    if (listsIndexKeys(o)) {
      // every index becomes a key string of its own (~64 bytes with its slot)
      enterAhead(64 * limit(what + ' on a string or array-like whose length', toLength(o.length), MAX_ARRAY));
    }
  }
  ['keys', 'getOwnPropertyNames', 'getOwnPropertySymbols'].forEach(function (name) {
    var original = Object[name], what = 'Object.' + name;
    method(Object, name, function (o) { keyCountCapped(o, what); return callWith(original, Object, o); });
  });
  // an object with many members is quadratic to build inside the native: refused before it starts
  function parseMeasured(text, reviver) {
    var s = String(text), widest = ticker.widestJsonObject(s, MAX_JSON_MEMBERS);
    if (widest > MAX_JSON_MEMBERS) {
      throw new SyntaxError('JSON.parse: an object has more than ' + MAX_JSON_MEMBERS
        + ' members (the sandbox limit)');
    }
    return reviver === undefined ? nativeParse(s) : nativeParse(s, reviver);
  }
  method(JSON, 'parse', function parse(text, reviver) {
    enter();
    var s = String(text);
    limit('JSON.parse input length', s.length, MAX_JSON_PARSE);
    enterAhead(40 * s.length);   // a value for every couple of characters at worst ('[1,1,1,…]')
    return parseMeasured(s, reviver);
  });
  function encodeWith(text, component, what) {
    enter();
    var s = String(text), length = ticker.encodedUriLength(s, component);
    if (length < 0) { throw new URIError(what + ': the text holds an unpaired surrogate'); }
    limit(what + ' result length', length, MAX_STRING);
    enterAhead(3 * 2 * length);
    return ticker.encodeUri(s, component);
  }
  method(global, 'encodeURI', function encodeURI(uri) { return encodeWith(uri, false, 'encodeURI'); });
  method(global, 'encodeURIComponent', function encodeURIComponent(component) {
    return encodeWith(component, true, 'encodeURIComponent');
  });
  method(global, 'escape', function escape(text) {
    enter();
    var s = String(text);
    limit('escape input length', s.length, floor(MAX_STRING / 6));
    enterAhead(3 * 2 * 6 * s.length);   // up to six characters for each
    return nativeEscape(s);
  });
  // collections built from an iterable: the native steps through any iterator in its own unguarded loop
  // (a `next` that is a built-in never ends it), so every iterable is stepped through here, a tick and
  // the array cap per element, and the native gets a plain array of what it yielded
  function collection(Native, name) {
    var Safe = function (iterable) {
      enter();
      if (!(this instanceof Safe)) { throw new TypeError(name + ' must be called with new'); }
      if (iterable === undefined || iterable === null) { return new Native(); }
      if (typeof iterable === 'string' || isArray(iterable)) {
        limit(name + ' from an iterable whose length', toLength(iterable.length), MAX_COLLECTION);
      }
      var items = [], n = 0;
      if (isArray(iterable) && getPrototypeOf(iterable) === AP && !hasOwn(iterable, Symbol.iterator)) {
        // the frozen Array.prototype's own iterator: the same values by index, without an iterator step each
        for (n = iterable.length; items.length < n;) { tick(); items.push(iterable[items.length]); }
        return new Native(items);
      }
      for (var item of iterable) {
        tick();
        items[n] = item;
        n = limit(name + ' from an iterable whose length', n + 1, MAX_COLLECTION);
      }
      return new Native(items);
    };
    Safe.prototype = Native.prototype;
    method(Native.prototype, 'constructor', Safe);
    method(global, name, Safe);
  }
  ['Map', 'Set', 'WeakMap', 'WeakSet'].forEach(function (name) { collection(global[name], name); });
  // freezing or sealing an array walks every element (1.6 s of CPU for four million): the array cap applies
  ['freeze', 'seal', 'isFrozen', 'isSealed'].forEach(function (name) {
    var original = Object[name], what = 'Object.' + name;
    method(Object, name, function (o) {
      enter();
      if (isArray(o)) { arrayLength(o, what); }
      return callWith(original, Object, o);
    });
  });
  // every other native whose work grows with its input (builtins.tsv, guard 'entry'): a check on entry.
  // Two arguments are forwarded without an arguments object (none of these tells a missing argument
  // from undefined); the variadic ones get all of them. A wrapped constructor keeps its prototype and
  // statics, and works with and without new, as the natives wrapped here do.
  var VARIADIC = ['String.fromCharCode', 'Array', 'RegExp'];
  function entryChecked(original, variadic) {
    return variadic
      ? function () { enter(); return invoke(original, this, arguments); }
      : function (a, b) {
        enterAhead(2 * (textBytes(this) + textBytes(a) + textBytes(b)));
        return callWith(original, this, a, b);
      };
  }
  // new with the arguments of a call: a constructor like Date answers a plain call differently. Up to
  // Date's seven without an array; more through a bound function (apply has capped their number)
  var nativeBind = FP.bind;
  function construct(Native, a) {
    switch (a.length) {
      case 0: return new Native();
      case 1: return new Native(a[0]);
      case 2: return new Native(a[0], a[1]);
      case 3: return new Native(a[0], a[1], a[2]);
      case 4: return new Native(a[0], a[1], a[2], a[3]);
      case 5: return new Native(a[0], a[1], a[2], a[3], a[4]);
      case 6: return new Native(a[0], a[1], a[2], a[3], a[4], a[5]);
      case 7: return new Native(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
      default:
        var bound = [null];
        for (var i = 0; i < a.length; i++) { bound[i + 1] = a[i]; }
        return new (invoke(nativeBind, Native, bound))();
    }
  }
  function wrapConstructor(name, Native) {
    // Array makes the same array with or without new, and takes any number of elements. Nashorn has no
    // new.target: under new, `this` is a fresh plain object of Safe.prototype (a Date, a RegExp passed
    // as `this` to a plain call is not)
    var Safe = name === 'Array' ? entryChecked(Native, true) : function () {
      enter();
      var constructing = this instanceof Safe && objectToString.call(this) === '[object Object]';
      return constructing ? construct(Native, arguments) : invoke(Native, this, arguments);
    };
    getOwnPropertyNames(Native).forEach(function (key) {
      if (['length', 'name', 'prototype', 'arguments', 'caller'].indexOf(key) < 0) {
        defineProperty(Safe, key, Object.getOwnPropertyDescriptor(Native, key));
      }
    });
    Safe.prototype = Native.prototype;
    method(Native.prototype, 'constructor', Safe);
    method(global, name, Safe);
  }
  // what a builtins.tsv path names: its owner, its key, its descriptor and the function there (a getter's
  // for 'get ...'). The Function global is gone by now; its prototype is still every function's
  function builtinAt(path) {
    var getter = path.indexOf('get ') === 0, names = (getter ? path.substring(4) : path).split('.');
    var owner = names[0] === 'Function' ? { prototype: FP } : global;
    for (var i = names[0] === 'Function' ? 1 : 0; i < names.length - 1; i++) { owner = owner[names[i]]; }
    var name = names[names.length - 1], descriptor = Object.getOwnPropertyDescriptor(owner, name);
    var original = getter ? descriptor.get : descriptor.value;
    if (typeof original !== 'function') { throw new Error('builtins.tsv names no function at ' + path); }
    return { owner: owner, name: name, descriptor: descriptor, original: original, getter: getter };
  }
  caps.entryChecked.forEach(function (path) {
    var b = builtinAt(path);
    if (b.owner === global && typeof b.original.prototype === 'object') {
      wrapConstructor(b.name, b.original);
    } else if (b.getter) {
      defineProperty(b.owner, b.name, { get: entryChecked(b.original, false), set: b.descriptor.set,
        enumerable: b.descriptor.enumerable, configurable: true });
    } else {
      method(b.owner, b.name, entryChecked(b.original, VARIADIC.indexOf(path) >= 0));
    }
  });

  // natives that convert their arguments to numbers: a long string is converted here, after a guard check, so
  // straight-line calls cannot convert one 8 Mi-digit string after another unchecked; so is every object, whose
  // valueOf may be a native that runs no script code (a String object's, a bound one) called from a native loop
  // (a.map(isNaN)), and Math.max and min take up to 65,536 of them
  function numbersChecked(original) {
    return function () {
      var a = arguments;
      for (var i = 0; i < a.length; i++) {
        var v = a[i];
        if (typeof v === 'string' ? v.length > LONG_STRING
            : v !== null && (typeof v === 'object' || typeof v === 'function')) {
          enter();
          a[i] = +v;
        }
      }
      return invoke(original, this, a);
    };
  }
  caps.numberArguments.forEach(function (path) {
    var b = builtinAt(path);
    method(b.owner, b.name, numbersChecked(b.original));
  });
  // a string's iterator copies the string (~6 ms for 1 Mi characters): checked on entry like other O(n) work
  var nativeStringIterator = SP[Symbol.iterator];
  method(SP, Symbol.iterator, function () { enter(); return callWith(nativeStringIterator, this); });
  // the properties object of create and defineProperties is walked key by key inside the native
  var nativeCreate = Object.create, nativeDefineProperties = Object.defineProperties;
  method(Object, 'create', function create(proto, properties) {
    if (properties !== undefined) { keyCountCapped(properties, 'Object.create'); } else { enter(); }
    return properties === undefined ? nativeCreate(proto) : nativeCreate(proto, properties);
  });
  method(Object, 'defineProperties', function defineProperties(o, properties) {
    keyCountCapped(properties, 'Object.defineProperties');
    return nativeDefineProperties(o, properties);
  });

  // apply and JSON.stringify
  method(FP, 'apply', function apply(self, args) {
    enter();
    if (args !== null && args !== undefined) {
      limit('apply argument count', toLength(args.length), MAX_APPLY);
    }
    return callWith(nativeApply, this, self, args);
  });
  var booleanValueOf = Boolean.prototype.valueOf;
  // JSON.stringify: how many times its cap the joining of nested levels may copy, and the key lookups a second
  // pass over a replacer list may make
  var JSON_COPY_FACTOR = 16, MAX_JSON_LOOKUPS = 2097152;
  // the primitive the native takes a String, Number or Boolean object for (a gap, a listed key, a value),
  // converted once here through the object's own toString or valueOf, so what is measured is what the native
  // writes; anything else as it is
  function unwrapped(v) {
    if (v !== null && typeof v === 'object') {
      var kind = objectToString.call(v);
      if (kind === '[object String]') { return String(v); }
      if (kind === '[object Number]') { return Number(v); }
      if (kind === '[object Boolean]') { return callWith(booleanValueOf, v); }
    }
    return v;
  }
  // the keys an array replacer names, as the native lists them: strings, numbers and String or Number objects,
  // each once, in order
  function propertyList(replacer) {
    var n = arrayLength(replacer, 'JSON.stringify replacer'), list = [], seen = new Set();
    for (var i = 0; i < n; i++) {
      tick();
      var item = unwrapped(replacer[i]);
      var key = typeof item === 'string' ? item : typeof item === 'number' ? String(item) : undefined;
      if (key !== undefined && !seen.has(key)) { seen.add(key); list.push(key); }
    }
    return list;
  }
  function own(target, key, value) {
    defineProperty(target, key, { value: value, writable: true, enumerable: true, configurable: true });
  }
  function boundedStringify(value, replacer, space, cap) {
    space = unwrapped(space);
    var gap = typeof space === 'number' ? min(10, max(0, floor(space))) :
              typeof space === 'string' ? min(10, space.length) : 0;
    var userReplacer = typeof replacer === 'function' ? replacer : null;
    // an array replacer: this pass measures a copy of the value, each member read once and converted, and the
    // text is the native's second pass over that copy (a getter, toJSON or toString read again could answer longer)
    var keys = userReplacer === null && isArray(replacer) ? propertyList(replacer) : null;
    var copies = new WeakSet(), copyOf = new WeakMap(), objectCopies = 0, root;
    var depths = new WeakMap(), budget = cap, values = 0, covered = 0, copying = 0;
    var counting = function (key, v) {
      tick();
      if (++values > MAX_JSON_VALUES) {
        throw new RangeError('JSON.stringify: more than ' + MAX_JSON_VALUES + ' values');
      }
      if (userReplacer !== null) { v = callWith(userReplacer, this, key, v); }
      v = unwrapped(v);
      if (keys !== null) { v = copied(this, key, v); }
      var depth = (depths.get(this) || 0) + 1;
      // strings at their escaped length: a control character is written as six ('\u0001')
      var size = ticker.jsonQuotedLength(String(key)) + 2 + gap * depth;
      if (typeof v === 'string') { size += ticker.jsonQuotedLength(v); }
      else if (typeof v === 'number') { size += 24; }
      else if (v !== null && typeof v === 'object') { depths.set(v, depth); }
      budget -= size;
      if (budget < 0) {
        throw new RangeError('JSON.stringify: the result would exceed ' + cap + ' characters');
      }
      // the native joins each level from its members' finished texts, after this replacer's last call: each
      // character is copied once per level above it (a long string under a thousand levels: gigabytes, seconds)
      copying += size * depth;
      if (copying > JSON_COPY_FACTOR * cap) {
        throw new RangeError('JSON.stringify: joining the nested levels would copy more than '
          + JSON_COPY_FACTOR * cap + ' characters');
      }
      // the text written so far lives in a growing buffer: the pool covers it ahead, a step at a time
      if (cap - budget > covered) {
        covered = cap - budget + 262144;
        enterAhead(3 * 2 * covered);
      }
      return v;
    };
    // v, member key of holder, as the copy holds it: an object or array as a copy of the members the text can
    // hold (an object's listed keys, an array's elements), which this pass then visits and fills in; nothing
    // the native would call (a function, a symbol) stays in a copy
    function copied(holder, key, v) {
      var kept = v;
      if (typeof v === 'function' || typeof v === 'symbol') {
        kept = undefined;
      } else if (copies.has(v)) {
        kept = v;   // a copy this pass made already holds what it measured
      } else if (copyOf.has(v)) {
        kept = copyOf.get(v);   // one copy per object, so a cycle stays a cycle and is refused as the native does
      } else if (v !== null && typeof v === 'object') {
        var i, n;
        if (isArray(v)) {
          n = arrayLength(v, 'JSON.stringify');
          kept = [];
          for (i = 0; i < n; i++) { tick(); kept[i] = v[i]; }
        } else {
          // no prototype: the writing pass finds only what was copied, even under a listed '__proto__'
          kept = Object.create(null);
          objectCopies++;
          for (i = 0; i < keys.length; i++) {
            tick();
            var member = v[keys[i]];
            if (member !== undefined && typeof member !== 'function') { own(kept, keys[i], member); }
          }
        }
        copies.add(kept);
        copyOf.set(v, kept);
      }
      if (copies.has(holder)) {
        if (isArray(holder)) { holder[key] = kept === undefined ? null : kept; }
        else if (kept === undefined) { delete holder[key]; }
        else { own(holder, key, kept); }
      } else {
        root = kept;
      }
      return kept;
    }
    var text = nativeStringify(value, counting, space);
    if (keys === null) { return text; }
    // the copies hold the listed keys in the list's order, so they are written as they are; only an array-index
    // key, which an object lists first, needs the list again, a lookup per key and object in one native call
    if (!keys.some(isIndexKey)) { return nativeStringify(root, null, space); }
    limit('JSON.stringify with a replacer list naming an array index: key lookups', objectCopies * keys.length,
      MAX_JSON_LOOKUPS);
    return nativeStringify(root, keys, space);
  }
  function isIndexKey(key) {
    var n = +key;
    return String(n >>> 0) === key && n !== 4294967295;
  }
  method(JSON, 'stringify', function stringify(value, replacer, space) {
    enter();
    return boundedStringify(value, replacer, space, MAX_JSON);
  });

  // for-in lists every key of the object and its prototypes before the loop body's first guard: a string, a
  // String object or an array on the chain is held to the array cap first (8 Mi index keys took 6 s and 1 GB)
  function forInTarget(o) {
    for (var p = o; p !== null && p !== undefined; p = getPrototypeOf(Object(p))) {
      tick();
      if (listsIndexKeys(p)) {
        limit('for-in over a string or array-like whose length', toLength(p.length), MAX_ARRAY);
      }
    }
    return o;
  }
  return freeze({ stringify: boundedStringify, parse: function (text) { return parseMeasured(text); },
                  forIn: forInTarget });
})

package dev.mik.sandbox;

/** Test JavaScript shared by the red teams that walk builtins.tsv. */
final class BuiltinPaths {

    private BuiltinPaths() {
    }

    /** {@code resolve(name)}: the function a builtins.tsv row names, from the roots a script can reach. */
    static final String RESOLVE = """
        function prototypeOf(value) { return Object.getPrototypeOf(value); }
        var roots = {
          '%IteratorPrototype%': prototypeOf(prototypeOf([][Symbol.iterator]())),
          '%ArrayIteratorPrototype%': prototypeOf([][Symbol.iterator]()),
          '%MapIteratorPrototype%': prototypeOf(new Map()[Symbol.iterator]()),
          '%SetIteratorPrototype%': prototypeOf(new Set()[Symbol.iterator]()),
          '%StringIteratorPrototype%': prototypeOf(''[Symbol.iterator]()),
          '%StrictArguments%': (function () { return arguments; })(),
          Function: { prototype: prototypeOf(function () {}) },
          isNaN: isNaN, isFinite: isFinite, parseInt: parseInt, parseFloat: parseFloat, Object: Object,
          String: String, Boolean: Boolean, Number: Number, Error: Error, ReferenceError: ReferenceError,
          SyntaxError: SyntaxError, TypeError: TypeError, EvalError: EvalError, RangeError: RangeError,
          URIError: URIError, Symbol: Symbol, Math: Math, Date: Date, Array: Array, Map: Map, Set: Set,
          WeakMap: WeakMap, WeakSet: WeakSet, JSON: JSON, RegExp: RegExp
        };
        function resolve(name) {
          var accessor = /^(get|set) /.exec(name);
          var path = accessor ? name.substring(4) : name;
          var member = /^(.*?)\\.(\\[Symbol\\(Symbol\\.(\\w+)\\)\\]|[^.]+)$/.exec(path);
          if (!member) { return roots[path]; }
          var parts = member[1].split('.'), base = roots[parts[0]];
          for (var i = 1; i < parts.length && base !== undefined; i++) { base = base[parts[i]]; }
          if (base === undefined) { return undefined; }
          var key = member[3] ? Symbol[member[3]] : member[2];
          if (accessor) {
            var descriptor = Object.getOwnPropertyDescriptor(base, key);
            return descriptor && (accessor[1] === 'get' ? descriptor.get : descriptor.set);
          }
          return base[key];
        }
        """;
}

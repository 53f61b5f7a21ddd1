// Every function reachable from the hardened global: own properties (values, getters, setters, symbol keys),
// prototypes, and the prototypes only instances reach. Each is named by its first path in breadth-first order;
// a stub for a Java method name is reported as '<java-method-stub>' after its owner's path.
// what: 'names' for every one, 'natives' for those still Nashorn's own code.
(function (global, what) {
  'use strict';
  var getOwnPropertyNames = Object.getOwnPropertyNames, getOwnPropertySymbols = Object.getOwnPropertySymbols,
      getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor, getPrototypeOf = Object.getPrototypeOf;
  var FP = getPrototypeOf(function () {}), sourceOf = FP.call.bind(FP.toString);
  var queue = [['', global], ['Object.prototype', Object.prototype], ['Function.prototype', FP],
    ['%IteratorPrototype%', getPrototypeOf(getPrototypeOf([][Symbol.iterator]()))],
    ['%ArrayIteratorPrototype%', getPrototypeOf([][Symbol.iterator]())],
    ['%MapIteratorPrototype%', getPrototypeOf(new Map().entries())],
    ['%SetIteratorPrototype%', getPrototypeOf(new Set().values())],
    ['%StringIteratorPrototype%', getPrototypeOf(''[Symbol.iterator]())],
    ['%StrictArguments%', (function () { return arguments; })()],
    ['%BoundFunction%', FP.bind.call(function () {}, null)]];
  var seen = new Set(), found = [];
  function child(path, key) {
    var name = typeof key === 'symbol' ? '[' + key.toString() + ']' : key;
    return path === '' ? name : path + '.' + name;
  }
  while (queue.length > 0) {
    var next = queue.shift(), path = next[0], value = next[1];
    if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) {
      continue;
    }
    seen.add(value);
    if (typeof value === 'function' && path !== '%BoundFunction%') {
      var source = sourceOf(value), stub = source.indexOf('is not available in scripts') >= 0;
      if (what === 'names' || source.indexOf('[native code]') >= 0) {
        found.push(stub ? path.replace(/\.[^.]*$/, '.<java-method-stub>') : path);
      }
    }
    getOwnPropertyNames(value).forEach(function (key) {
      var descriptor = getOwnPropertyDescriptor(value, key);
      queue.push([child(path, key), descriptor.value]);
      if (descriptor.get) { queue.push(['get ' + child(path, key), descriptor.get]); }
      if (descriptor.set) { queue.push(['set ' + child(path, key), descriptor.set]); }
    });
    getOwnPropertySymbols(value).forEach(function (key) { queue.push([child(path, key), value[key]]); });
    if (value !== global) { queue.push([path + '.[[Prototype]]', getPrototypeOf(value)]); }
  }
  return found.filter(function (name, i) { return found.indexOf(name) === i; }).join('\n');
})

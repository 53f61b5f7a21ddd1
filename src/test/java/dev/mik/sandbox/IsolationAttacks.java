package dev.mik.sandbox;

import java.util.List;

/**
 * The red team's findings as script bodies: writes into the internal state of shared built-ins, and the paths by
 * which a Java object reached a script. The unit tests and {@code IsolationIT} run the same bodies.
 */
public final class IsolationAttacks {

    /** A named script body, and the JSON it must return (null where the answer does not matter). */
    public record Attack(String name, String body, String expected) {

        Attack(String name, String body) {
            this(name, body, null);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Each tries to leave state in a shared object and returns what it could do. */
    public static final List<Attack> WRITERS = List.of(
            new Attack("Date.prototype time value", """
                    var done = [];
                    ['setTime', 'setMilliseconds', 'setUTCMilliseconds', 'setSeconds', 'setUTCSeconds', 'setMinutes',
                     'setUTCMinutes', 'setHours', 'setUTCHours', 'setDate', 'setUTCDate', 'setMonth', 'setUTCMonth',
                     'setFullYear', 'setUTCFullYear', 'setYear'].forEach(function (name) {
                      try { Date.prototype[name](4242); done.push(name); } catch (e) { }
                    });
                    return done;"""),
            new Attack("RegExp.prototype pattern", """
                    try { RegExp.prototype.compile('secret', 'g'); return 'compiled'; } \
                    catch (e) { return String(e); }"""),
            new Attack("RegExp.prototype lastIndex", """
                    var done = [];
                    try { RegExp.prototype.lastIndex = 7; done.push('set'); } catch (e) { }
                    try { 'xsecretx'.replace(RegExp.prototype, 'y'); RegExp.prototype.exec('secret'); \
                    done.push('exec'); }
                    catch (e) { }
                    return done;"""),
            new Attack("Error accessors on shared objects", """
                    var done = [];
                    ['lineNumber', 'columnNumber', 'fileName', 'stack'].forEach(function (name) {
                      var setter = Object.getOwnPropertyDescriptor(Error.prototype, name).set;
                      [Error.prototype, Object.prototype, Array.prototype, Date.prototype].forEach(function (target) {
                        try { setter.call(target, 'secret'); done.push(name); } catch (e) { }
                      });
                      try { Error.prototype[name] = 'secret'; done.push(name); } catch (e) { }
                    });
                    return done;"""),
            new Attack("Array.prototype elements", """
                    var done = [];
                    ['push', 'unshift', 'splice', 'fill', 'reverse', 'sort', 'copyWithin'].forEach(function (name) {
                      try { Array.prototype[name].call(Array.prototype, 'secret', 0, 0, 'secret'); done.push(name); }
                      catch (e) { }
                    });
                    try { Array.prototype.length = 3; done.push('length'); } catch (e) { }
                    return done;"""),
            new Attack("prototype of a shared object", """
                    try { Object.prototype.__proto__ = { secret: 1 }; return 'set'; } \
                    catch (e) { return String(e); }"""));

    /** Reads back what any writer could have left: the same answer on a fresh sandbox and after every writer. */
    public static final String READER = """
            var d = Object.getOwnPropertyNames(Error.prototype).concat(Object.getOwnPropertyNames(Object.prototype),
                Object.getOwnPropertyNames(Array.prototype).length, Object.getOwnPropertyNames(Date.prototype).length);
            return [Date.prototype.getTime(), RegExp.prototype.source, RegExp.prototype.global, \
            RegExp.prototype.lastIndex,
              Error.prototype.lineNumber, Error.prototype.fileName, Object.prototype.lineNumber, Array.prototype.length,
              Array.prototype[0], String(Object.getPrototypeOf(Object.prototype)), d];""";

    private static final String REFUSED_THROW =
            "TypeError: an object whose nashornException property can change cannot be thrown";

    /** Each would hand a Java object to the script if the sandbox let it; it returns what it saw. */
    public static final List<Attack> JAVA_OBJECTS = List.of(
            new Attack("bean properties of primitives", """
                    var s = 'a' + input.s;
                    return [typeof 'x'.bytes, typeof 'x'.class, typeof 'x'.empty, typeof s.bytes, typeof (1).class,
                      typeof (1.5).infinite, typeof true.class, typeof Symbol('s').class, typeof 'x'.getClass];""",
                    undefinedTimes(9)),
            new Attack("Array methods on a string's bytes", """
                    var b = 'x'.bytes;
                    try { Array.prototype.push.call(b, 1); return String(b); } catch (e) { return e.name; }""",
                    "\"TypeError\""),
            new Attack("thrown object with a nashornException setter", """
                    var got = 'nothing', o = {};
                    Object.defineProperty(o, 'nashornException', { set: function (v) { got = typeof v; } });
                    try { throw o; } catch (e) { return [got, e === o ? 'same' : String(e)]; }""",
                    "[\"nothing\",\"" + REFUSED_THROW + "\"]"),
            new Attack("thrown object with a writable nashornException", """
                    var o = {};
                    Object.defineProperty(o, 'nashornException', { value: 1, writable: true });
                    try { throw o; } catch (e) { return [typeof o.nashornException, e === o ? 'same' : String(e)]; }""",
                    "[\"number\",\"" + REFUSED_THROW + "\"]"),
            new Attack("thrown object inheriting a nashornException setter", """
                    var got = 'nothing', p = Object.create({ set nashornException(v) { got = typeof v; } });
                    try { throw p; } catch (e) { return [got, e === p ? 'same' : String(e)]; }""",
                    "[\"nothing\",\"same\"]"),
            new Attack("error whose name getter adds a setter while Nashorn builds its exception", """
                    var got = 'nothing', armed = false, o = Object.create(Error.prototype, { name: { get: function () {
                      if (!armed) { armed = true; try { Object.defineProperty(o, 'nashornException',
                        { set: function (v) { got = typeof v; } }); } catch (e) { } }
                      return 'E'; } } });
                    try { throw o; } catch (e) { return [got, e === o ? 'same' : String(e)]; }""",
                    "[\"nothing\",\"same\"]"),
            new Attack("Java methods of a caught error", """
                    try { null.x; } catch (e) {
                      return [typeof e.nashornException, typeof e.printStackTrace, typeof e.getStackTrace,
                        typeof e.setFileName, typeof e.stack];
                    }""",
                    undefinedTimes(5)));

    private IsolationAttacks() {
    }

    private static String undefinedTimes(int n) {
        return "[" + String.join(",", java.util.Collections.nCopies(n, "\"undefined\"")) + "]";
    }
}

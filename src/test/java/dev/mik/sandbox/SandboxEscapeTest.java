package dev.mik.sandbox;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile scripts: each attempt states exactly how it must end (an error of a given type, a compile
 * rejection, an abort, or a harmless value), and after each one the same sandbox must still run a normal
 * script correctly, with no pollution left behind.
 */
class SandboxEscapeTest {

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    @AfterEach
    void sandboxStillWorks() throws Exception {
        fixture.assertHealthy();
        assertTrue(Runtime.getRuntime().availableProcessors() > 0, "the JVM is alive");
    }

    enum Outcome { FAILS, REJECTED, RETURNS, ABORTED }

    /** @param expected the error name a failure starts with, the JSON returned, or the abort reason */
    record Attempt(String name, String body, Outcome outcome, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Attempt fails(String name, String body, String errorName) {
        return new Attempt(name, body, Outcome.FAILS, errorName);
    }

    static Attempt rejected(String name, String body) {
        return new Attempt(name, body, Outcome.REJECTED, null);
    }

    static Attempt returns(String name, String body, String json) {
        return new Attempt(name, body, Outcome.RETURNS, json);
    }

    static Attempt aborted(String name, String body, AbortReason reason) {
        return new Attempt(name, body, Outcome.ABORTED, reason.name());
    }

    static Stream<Attempt> attempts() {
        return Stream.of(
                fails("Java.type", "return Java.type('java.lang.System').getProperty('user.home');", "ReferenceError"),
                fails("Packages", "return Packages.java.lang.System;", "ReferenceError"),
                fails("java package", "return java.lang.System.getProperty('user.home');", "ReferenceError"),
                fails("javax package", "return javax.script.ScriptEngineManager;", "ReferenceError"),
                fails("Java.extend", "return Java.extend(Java.type('java.lang.Runnable'));", "ReferenceError"),
                fails("JavaImporter", "return new JavaImporter(java.io);", "ReferenceError"),
                fails("JSAdapter", "return new JSAdapter({});", "ReferenceError"),
                fails("engine global", "return engine.eval('java.lang.System.exit(9)');", "TypeError"),
                fails("this.engine", "return this.engine;", "TypeError"),
                fails("context global", "return context.getAttribute('x');", "TypeError"),
                fails("__noSuchProperty__", "return __noSuchProperty__('engine');", "ReferenceError"),
                fails("__FILE__", "return __FILE__;", "ReferenceError"),
                fails("__LINE__", "return __LINE__;", "ReferenceError"),
                fails("__DIR__", "return __DIR__;", "ReferenceError"),
                returns("the global reached through a native's undefined receiver has no compile-time slots",
                        "var g = [1].map(Object.prototype.valueOf)[0];"
                        + " return [g === [1].map(Object.prototype.valueOf)[0], typeof g.__FILE__,"
                        + " Object.getOwnPropertyNames(g).filter(function (n) { return n.indexOf('__') === 0; })];",
                        "[true,\"undefined\",[]]"),
                fails("load", "return load('file:///etc/hostname');", "ReferenceError"),
                fails("loadWithNewGlobal", "return loadWithNewGlobal({script: 'quit()', name: 'x'});",
                        "ReferenceError"),
                fails("quit", "quit(); return 1;", "ReferenceError"),
                fails("exit", "exit(7); return 1;", "ReferenceError"),
                fails("print", "print('x'); return 1;", "ReferenceError"),
                fails("echo", "echo('x'); return 1;", "ReferenceError"),
                fails("readLine", "return readLine();", "ReferenceError"),
                fails("readFully", "return readFully('/etc/passwd');", "ReferenceError"),
                fails("$ENV", "return $ENV.HOME;", "ReferenceError"),
                fails("$EXEC", "return $EXEC('id');", "ReferenceError"),
                fails("$ARG and $OPTIONS", "return [$ARG, $OPTIONS];", "ReferenceError"),
                rejected("direct eval", "return eval('1 + 1');"),
                fails("indirect eval", "var e = input.x ? eval : null; return e('1');", "ReferenceError"),
                fails("Function constructor", "return Function('return this')();", "ReferenceError"),
                fails("constructor of a function", "return (function () {}).constructor('return this')();",
                        "TypeError"),
                fails("constructor of an arrow", "return (() => 0).constructor('return this')();", "TypeError"),
                fails("constructor chain from an array", "return [].constructor.constructor('return quit')();",
                        "TypeError"),
                fails("constructor chain from a string", "return ''.constructor.constructor('return load')();",
                        "TypeError"),
                fails("constructor of host.call", "return host.call.constructor('return engine')();", "TypeError"),
                fails("host.getClass", "return host.getClass().getClassLoader();", "TypeError"),
                returns("own names of host, console and request",
                        "return [Object.getOwnPropertyNames(host), Object.getOwnPropertyNames(console).sort(),"
                                + " Object.getOwnPropertySymbols(host).length, Object.keys(request).sort()];",
                        "[[\"call\"],[\"error\",\"info\",\"log\",\"warn\"],0,"
                                + "[\"headers\",\"method\",\"path\",\"query\"]]"),
                returns("prototype walk from host ends at the frozen Object.prototype",
                        "var p = host; while (Object.getPrototypeOf(p) !== null) { p = Object.getPrototypeOf(p); }"
                                + " return [p === Object.prototype, Object.isFrozen(p), 'engine' in p, typeof p.Java];",
                        "[true,true,false,\"undefined\"]"),
                fails("overwriting host.call", "host.call = function () { return 'mine'; }; return 1;", "TypeError"),
                fails("redefining host.call", "Object.defineProperty(host, 'call', {value: 1}); return 1;",
                        "TypeError"),
                fails("redefining console.log", "console.log = function () {}; return 1;", "TypeError"),
                fails("deleting console.log", "delete console.log; return 1;", "TypeError"),
                fails("Object.prototype pollution", "Object.prototype.polluted = 1; return 1;", "TypeError"),
                fails("Object.prototype pollution by defineProperty",
                        "Object.defineProperty(Object.prototype, 'polluted', {value: 1}); return 1;", "TypeError"),
                fails("Array.prototype.push tampering", "Array.prototype.push = function () { return 0; }; return 1;",
                        "TypeError"),
                fails("Array.prototype.map tampering",
                        "Object.defineProperty(Array.prototype, 'map', {value: null}); return 1;", "TypeError"),
                fails("String.prototype tampering", "String.prototype.trim = function () { return 'x'; }; return 1;",
                        "TypeError"),
                fails("JSON tampering", "JSON.parse = function () { return {}; }; return 1;", "TypeError"),
                fails("iterator prototype tampering",
                        "Object.getPrototypeOf([][Symbol.iterator]()).next = function () {}; return 1;", "TypeError"),
                fails("Java method on a string", "return 'x'.getClass();", "TypeError"),
                fails("Java matches on a string", "return 'aaaa!'.matches('(a+)+b');", "TypeError"),
                fails("Java chars on a string", "return 'abc'.chars();", "TypeError"),
                fails("Java method on a number", "return (1).getClass();", "TypeError"),
                fails("Java method on a boolean", "return true.getClass();", "TypeError"),
                fails("Java method on a symbol", "return Symbol('x').getClass();", "TypeError"),
                fails("Java method on a concatenated string", "var s = 'a'; s += input.x; return s.getComponents();",
                        "TypeError"),
                fails("huge repeat", "return 'x'.repeat(1e9).length;", "RangeError"),
                rejected("__g by name", "return __g;"),
                rejected("__g assignment", "__g.t = null; return 1;"),
                rejected("__g through a unicode escape", "var \\u005f_g = 1; return 1;"),
                rejected("__g as a parameter", "function f(__gx) { return __gx; } return f(1);"),
                rejected("__g as a catch parameter", "try { null.x; } catch (__g) { return __g; }"),
                rejected("__g as a property name", "return input.__gThrow;"),
                rejected("__g as a label", "__gLoop: for (;;) { break __gLoop; } return 1;"),
                rejected("with statement", "with ({a: 1}) { return a; }"),
                fails("arguments.callee.caller", "return arguments.callee.caller;", "TypeError"),
                fails("function caller", "return (function f() { return f.caller; })();", "TypeError"),
                fails("caught error getClass", "try { undefined.x; } catch (e) { return e.getClass(); }", "TypeError"),
                returns("caught error has no Java exception", "try { null.x; } catch (e) {"
                        + " return [typeof e.nashornException,"
                        + " Object.getOwnPropertyNames(e).indexOf('nashornException')]; }",
                        "[\"undefined\",-1]"),
                returns("constructed error has no Java exception",
                        "var e = new TypeError('t'); return [typeof e.nashornException, e instanceof TypeError,"
                                + " e instanceof Error, e.constructor === TypeError];",
                        "[\"undefined\",true,true,true]"),
                returns("thrown object without prototype gets no Java exception",
                        "var o = Object.create(null); try { throw o; } catch (e) { return typeof e.nashornException; }",
                        "\"undefined\""),
                aborted("stack overflow error object", "function f() { return f(); }"
                        + " try { f(); } catch (e) { return String(e.getClass()); }", AbortReason.STACK),
                fails("Proxy", "return new Proxy({}, {});", "ReferenceError"),
                fails("Reflect", "return Reflect.ownKeys(this);", "ReferenceError"),
                fails("globalThis", "return globalThis.engine;", "ReferenceError"),
                returns("this at the top level", "return typeof this;", "\"undefined\""),
                fails("defineProperty on this", "Object.defineProperty(this, 'x', {value: 1}); return 1;", "TypeError"),
                returns("RegExp statics hold no earlier match", "/(secret)/.exec('secret');"
                        + " return [typeof RegExp.$1, typeof RegExp.lastMatch, typeof RegExp.input];",
                        "[\"undefined\",\"undefined\",\"undefined\"]"),
                fails("Error.prototype.printStackTrace", "new Error('x').printStackTrace(); return 1;", "TypeError"),
                fails("Error.dumpStack", "Error.dumpStack(); return 1;", "TypeError"),
                fails("Object.bindProperties", "Object.bindProperties({}, host); return 1;", "TypeError"),
                fails("typed arrays", "return new ArrayBuffer(1e9).byteLength;", "ReferenceError"),
                returns("Symbol registry and well-known symbols are inert",
                        "return [typeof Symbol.for('engine'), Object.isFrozen(Symbol),"
                                + " Object.isFrozen(Symbol.prototype)];",
                        "[\"symbol\",true,true]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attempts")
    void escapeAttemptFailsWithoutHarm(Attempt attempt) throws Exception {
        String source = "export default function (input) {\n" + attempt.body() + "\n}";
        switch (attempt.outcome()) {
            case FAILS -> {
                ScriptFailure failure = assertThrows(ScriptFailure.class, () -> fixture.run(source, "{\"x\":\"b\"}"));
                assertTrue(failure.getDetail().startsWith(attempt.expected()), failure.getDetail());
                assertEquals(2, failure.getLine(), failure.getMessage());
            }
            case REJECTED -> assertThrows(ScriptCompileException.class, () -> fixture.compile(source));
            case RETURNS -> assertEquals(attempt.expected(), fixture.run(source, "{\"x\":\"b\"}").json());
            case ABORTED -> assertEquals(attempt.expected(), assertThrows(ScriptAbortedException.class,
                    () -> fixture.run(source, "{\"x\":\"b\"}")).getReason().name());
        }
    }

    @Test
    void topLevelThisIsUndefinedOutsideTheDefaultExport() throws Exception {
        assertEquals("true", fixture.run(
                "var top = this;\nexport default function (input) { return top === undefined; }", "{}").json());
    }

    @Test
    void pollutionCaughtByTheScriptLeavesNothingForTheNextRun() throws Exception {
        fixture.runBody("try { Object.prototype.polluted = 1; } catch (e) {}"
                + " try { Array.prototype.polluted = 1; } catch (e) {} return 1;");

        assertEquals("[null,null]",
                fixture.runBody("return [({}).polluted, [].polluted];").json().replace("undefined", "null"));
    }
}

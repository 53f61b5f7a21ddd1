package dev.mik.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hardened global: frozen builtins. */
class SandboxGlobalTest {

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    @Test
    void builtinConstructorsAndPrototypesAreFrozen() throws Exception {
        ScriptResult result = fixture.runBody("""
                var objects = [Object, Object.prototype, Array, Array.prototype, String, String.prototype, Number,
                  Number.prototype, Boolean, Boolean.prototype, Object.getPrototypeOf(function () {}), RegExp,
                  RegExp.prototype, Date, Date.prototype, Math, JSON, Error, Error.prototype, TypeError,
                  TypeError.prototype, RangeError.prototype, SyntaxError.prototype, ReferenceError.prototype,
                  Map, Map.prototype, Set, Set.prototype, WeakMap.prototype, WeakSet.prototype, \
                Symbol, Symbol.prototype,
                  Object.getPrototypeOf([][Symbol.iterator]()), Object.getPrototypeOf(new Map().entries()),
                  Object.getPrototypeOf(new Set().values()), Object.getPrototypeOf(''[Symbol.iterator]()),
                  host, host.call, console, console.log];
                return objects.map(function (o, i) { return Object.isFrozen(o) ? -1 : i; }).filter(i => i >= 0);
                """);

        assertEquals("[]", result.json());
    }
}

package dev.mik.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The hardened global: frozen builtins, and no Java method reachable from a primitive. */
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
                  Map, Map.prototype, Set, Set.prototype, WeakMap.prototype, WeakSet.prototype, Symbol, Symbol.prototype,
                  Object.getPrototypeOf([][Symbol.iterator]()), Object.getPrototypeOf(new Map().entries()),
                  Object.getPrototypeOf(new Set().values()), Object.getPrototypeOf(''[Symbol.iterator]()),
                  host, host.call, console, console.log];
                return objects.map(function (o, i) { return Object.isFrozen(o) ? -1 : i; }).filter(i => i >= 0);
                """);

        assertEquals("[]", result.json());
    }

    @Test
    void everyJavaMethodNameOnPrimitivesIsShadowedByAJavaScriptProperty() throws Exception {
        String input = "{\"string\":" + json(SandboxGlobal.names(String.class, CharSequence.class,
                org.openjdk.nashorn.internal.runtime.ConsString.class))
                + ",\"number\":" + json(SandboxGlobal.names(Integer.class, Double.class, Long.class, Number.class))
                + ",\"boolean\":" + json(SandboxGlobal.names(Boolean.class))
                + ",\"symbol\":" + json(SandboxGlobal.names(org.openjdk.nashorn.internal.runtime.Symbol.class)) + "}";
        CompiledScript script = fixture.compile("""
                export default function (input) {
                  function unshadowed(prototype, names) {
                    return names.filter(function (name) { return !Object.getOwnPropertyDescriptor(prototype, name); });
                  }
                  return [unshadowed(String.prototype, input.string), unshadowed(Number.prototype, input.number),
                          unshadowed(Boolean.prototype, input.boolean), unshadowed(Symbol.prototype, input.symbol),
                          input.string.length > 50];
                }
                """);

        assertEquals("[[],[],[],[],true]", fixture.run(script, input, SandboxFixture.LIMITS).json());
    }

    @Test
    void javaMethodStubsCannotBeReplaced() throws Exception {
        assertEquals("[false,false,\"TypeError\"]", fixture.runBody("""
                var d = Object.getOwnPropertyDescriptor(String.prototype, 'getBytes');
                var error; try { 'x'.getBytes(); } catch (e) { error = e.name; }
                return [d.writable, d.configurable, error];
                """).json());
    }

    private static String json(String javaScriptArray) {
        return javaScriptArray.replace('\'', '"');
    }
}

package dev.mik.sandbox;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScriptContractTest {

    private static final String SEED = """
            export default function (input) {
              var x = host.call("auth", {path: "/verify", body: {token: input.token}});
              if (x.status !== 200) return {error: "Unauthorized", status: 401};
              var items = [];
              for (var i = 0; i < 3; i++) {
                items.push({n: i});
              }
              return {ok: true, user: x.body.options.body.token, items: items};
            }
            """;

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    @BeforeEach
    void forgetCalls() {
        fixture.hostCalls.clear();
        fixture.logLines.clear();
    }

    @Test
    void seedFormRunsAsWritten() throws Exception {
        ScriptResult result = fixture.run(SEED, "{\"token\":\"t-1\"}");

        assertEquals("{\"ok\":true,\"user\":\"t-1\",\"items\":[{\"n\":0},{\"n\":1},{\"n\":2}]}", result.json());
        assertEquals(List.of("auth {\"path\":\"/verify\",\"body\":{\"token\":\"t-1\"}}"), fixture.hostCalls);
        assertEquals(-1, result.passthroughCall());
    }

    @Test
    void namedDefaultExportRuns() throws Exception {
        ScriptResult result = fixture.run("export default function handle(input) { return {twice: input.n * 2}; }",
                "{\"n\":21}");

        assertEquals("{\"twice\":42}", result.json());
    }

    @Test
    void defaultExportOfAnArrowOrAnIdentifierRuns() throws Exception {
        assertEquals("6", fixture.run("export default (input) => input.n * 2;", "{\"n\":3}").json());
        assertEquals("4", fixture.run("function main(input) { return input.n + 1; }\nexport default main;",
                "{\"n\":3}").json());
    }

    @Test
    void letConstArrowsAndTemplatesWork() throws Exception {
        ScriptResult result = fixture.run("""
                const factor = 3;
                export default (input) => {
                  let total = 0;
                  for (let i = 0; i < input.values.length; i++) { total += input.values[i]; }
                  const scaled = input.values.map(v => v * factor).filter(v => v > 3);
                  for (const v of scaled) { total += v; }
                  return { total, label: `total=${total}` };
                };
                """, "{\"values\":[1,2,3]}");

        assertEquals("{\"total\":21,\"label\":\"total=21\"}", result.json());
    }

    @Test
    void topLevelHelpersBesideTheDefaultExportWork() throws Exception {
        ScriptResult result = fixture.run("""
                var greeting = "hi";
                function shout(s) { return s.toUpperCase(); }
                const exclaim = (s) => s + "!";
                export default function (input) { return exclaim(shout(greeting + " " + input.name)); }
                """, "{\"name\":\"ada\"}");

        assertEquals("\"HI ADA!\"", result.json());
    }

    @Test
    void emptyOrBlankBodyMakesInputNull() throws Exception {
        CompiledScript script = fixture.compile("export default function (input) { return input === null; }");

        assertEquals("true", fixture.run(script, "", SandboxFixture.LIMITS).json());
        assertEquals("true", fixture.run(script, "  \n ", SandboxFixture.LIMITS).json());
        assertEquals("true", fixture.run(script, null, SandboxFixture.LIMITS).json());
    }

    @Test
    void invalidInputJsonIsAnInputError() throws Exception {
        CompiledScript script = fixture.compile("export default function (input) { return 1; }");

        assertThrows(ScriptInputException.class, () -> fixture.run(script, "{\"a\":", SandboxFixture.LIMITS));
        assertThrows(ScriptInputException.class, () -> fixture.run(script, "not json", SandboxFixture.LIMITS));
        assertThrows(ScriptInputException.class,
                () -> fixture.run(script, "[".repeat(10_000) + "]".repeat(10_000), SandboxFixture.LIMITS));
    }

    @Test
    void requestIsDeeplyFrozen() throws Exception {
        ScriptResult result = fixture.runBody("""
                var attempts = [];
                try { request.method = "GET"; } catch (e) { attempts.push(e instanceof TypeError); }
                try { request.headers["x-evil"] = "1"; } catch (e) { attempts.push(e instanceof TypeError); }
                try { request.query.q = "2"; } catch (e) { attempts.push(e instanceof TypeError); }
                return { attempts: attempts, method: request.method, path: request.path, q: request.query.q,
                  frozen: Object.isFrozen(request) && Object.isFrozen(request.headers) };
                """);

        assertEquals("{\"attempts\":[true,true,true],\"method\":\"POST\",\"path\":\"/script/t\",\"q\":\"1\","
                + "\"frozen\":true}", result.json());
    }

    @Test
    void consoleReachesTheScriptConsoleJoinedWithSpaces() throws Exception {
        fixture.runBody("""
                console.log("a", 1, {b: [2]}, null, undefined, true);
                console.info("i"); console.warn("w"); console.error(new Error("bad"));
                console.log("x".repeat(10000));
                return null;
                """);

        assertEquals("log a 1 {\"b\":[2]} null undefined true", fixture.logLines.get(0));
        assertEquals(List.of("info i", "warn w", "error Error: bad"), fixture.logLines.subList(1, 4));
        assertEquals("log ".length() + RunnerScript.MAX_LOG_LENGTH + 1, fixture.logLines.get(4).length());
    }

    @Test
    void consoleStopsAfterTheLineLimit() throws Exception {
        fixture.runBody("for (var i = 0; i < 1000; i++) console.log(i); return 1;");

        assertEquals(RunGuard.MAX_LOG_LINES + 1, fixture.logLines.size());
        assertTrue(fixture.logLines.get(RunGuard.MAX_LOG_LINES).startsWith("warn console output of this run stopped"));
    }

    @Test
    void returningAHostCallResultIsReportedAsPassthrough() throws Exception {
        ScriptResult result = fixture.runBody("""
                var first = host.call("a", {});
                var second = host.call("b", {path: "/x"});
                return second;
                """);

        assertEquals(1, result.passthroughCall());
        assertTrue(result.json().startsWith("{\"status\":200,"));
    }

    @Test
    void aCopyOfAHostCallResultIsNotPassthrough() throws Exception {
        ScriptResult result = fixture.runBody("var r = host.call('a', {}); return {status: r.status, body: r.body};");

        assertEquals(-1, result.passthroughCall());
    }

    @Test
    void aHostCallResultChangedBeforeItIsReturnedIsNotPassedThrough() throws Exception {
        ScriptResult deleted = fixture.runBody("var r = host.call('a', {}); delete r.body.module; return r;");
        assertEquals(-1, deleted.passthroughCall());
        assertEquals(0, deleted.editedCall());
        assertFalse(deleted.json().contains("\"module\""), deleted.json());

        ScriptResult restatused = fixture.runBody("host.call('a', {}); var r = host.call('b', {}); r.status = 418;"
                + " return r;");
        assertEquals(1, restatused.editedCall());
        assertTrue(restatused.json().startsWith("{\"status\":418,"), restatused.json());

        ScriptResult readOnly = fixture.runBody("var r = host.call('a', {}); var s = r.body.module; return r;");
        assertEquals(0, readOnly.passthroughCall(), "reading a result does not change it");
        assertEquals(-1, readOnly.editedCall());
    }

    @Test
    void aScriptTooDeepForTheCompilerIsACompileErrorNotAStackOverflow() {
        ScriptCompileException e = assertThrows(ScriptCompileException.class,
                () -> fixture.compile("export default function (input) { return 1" + "+1".repeat(30_000) + "; }"));
        assertTrue(e.getMessage().contains("nests too deeply"), e.getMessage());
    }

    @Test
    void aResultTooDeepToSendIsTheStackLimitNotAJavaErrorText() {
        ScriptAbortedException e = assertThrows(ScriptAbortedException.class,
                () -> fixture.runBody("var o = {}; for (var i = 0; i < 200000; i++) { o = { a: o }; } return o;"));
        assertEquals(AbortReason.STACK, e.getReason());
    }

    @Test
    void hostCallWithoutOptionsSendsAnEmptyObject() throws Exception {
        fixture.runBody("host.call('a'); return 1;");

        assertEquals(List.of("a {}"), fixture.hostCalls);
    }

    @Test
    void hostCallWithANonStringModuleAsksTheHostWithItsString() throws Exception {
        // failures are results: the host answers a bad name with 400 INVALID_NAME instead of a TypeError here
        fixture.runBody("host.call(42, {}); return 1;");

        assertEquals(List.of("42 {}"), fixture.hostCalls);
    }

    @Test
    void valuesWithoutJsonFormBecomeNull() throws Exception {
        assertEquals("null", fixture.runBody("return undefined;").json());
        assertEquals("null", fixture.runBody("return function () {};").json());
    }

    @Test
    void cyclicResultIsAFailureWithAClearMessage() {
        ScriptFailure failure = assertThrows(ScriptFailure.class,
                () -> fixture.runBody("var a = {}; a.self = a; return a;"));

        assertTrue(failure.getDetail().contains("cannot be sent as JSON"), failure.getDetail());
    }

    @Test
    void thrownErrorIsAFailureWithTheUserLine() {
        ScriptFailure failure = assertThrows(ScriptFailure.class, () -> fixture.run("""
                // a comment on line 1
                function helper(x) {
                  return x.missing.field;
                }
                export default function (input) {
                  return helper(input);
                }
                """, "{}"));

        assertEquals("test", failure.getScriptName());
        assertEquals(3, failure.getLine());
        assertTrue(failure.getDetail().startsWith("TypeError"), failure.getDetail());
    }

    @Test
    void thrownValueIsAFailureWithTheThrowLine() {
        ScriptFailure failure = assertThrows(ScriptFailure.class, () -> fixture.run("""
                export default function (input) {
                  if (input.bad) {
                    throw new Error("bad input");
                  }
                }
                """, "{\"bad\":true}"));

        assertEquals(3, failure.getLine());
        assertEquals("Error: bad input", failure.getDetail());
    }

    @Test
    void syntaxErrorIsACompileErrorWithTheLine() {
        ScriptCompileException error = assertThrows(ScriptCompileException.class,
                () -> fixture.compile("export default function (input) {\n  var x = ;\n}"));

        assertEquals(2, error.getLine());
    }

    @Test
    void aScriptWithoutExactlyOneDefaultExportIsRejected() {
        assertThrows(ScriptCompileException.class, () -> fixture.compile("function f(input) { return 1; }"));
        assertThrows(ScriptCompileException.class, () -> fixture.compile("export default 1;\nexport default 2;"));
        ScriptCompileException named = assertThrows(ScriptCompileException.class,
                () -> fixture.compile("export default function (i) {}\nexport function other() {}"));
        assertEquals(2, named.getLine());
        assertThrows(ScriptCompileException.class, () -> fixture.compile("import x from 'y';\nexport default x;"));
    }

    @Test
    void exportTextInsideStringsAndCommentsIsNotAnExport() throws Exception {
        ScriptResult result = fixture.run("""
                // export default function () { return "comment"; }
                var s = "export default 1";
                /* export default 2 */
                export /* between */ default function (input) { return s; }
                """, "{}");

        assertEquals("\"export default 1\"", result.json());
    }

    @Test
    void unsupportedSyntaxIsACompileErrorWithTheLine() {
        assertEquals(2, assertThrows(ScriptCompileException.class,
                () -> fixture.compile("export default function (i) {\n class A {}\n}")).getLine());
        assertEquals(2, assertThrows(ScriptCompileException.class,
                () -> fixture.compile("export default function (i) {\n function* g() {}\n}")).getLine());
        assertEquals(2, assertThrows(ScriptCompileException.class,
                () -> fixture.compile("export default function (i) {\n return Math.max(...[1, 2]);\n}")).getLine());
        assertEquals(2, assertThrows(ScriptCompileException.class,
                () -> fixture.compile("export default function (i) {\n function f(a = 1) { return a; }\n}")).getLine());
    }

    @Test
    void topLevelVarsDoNotSurviveARun() throws Exception {
        CompiledScript script =
                fixture.compile("var count = 0;\nexport default function (input) { count++; return count; }");

        assertEquals("1", fixture.run(script, "{}", SandboxFixture.LIMITS).json());
        assertEquals("1", fixture.run(script, "{}", SandboxFixture.LIMITS).json());
    }

    @Test
    void moreHostCallsThanAllowedAbortTheRunEvenWhenCaught() throws Exception {
        CompiledScript script = fixture.compile("""
                export default function (input) {
                  var ok = 0;
                  for (var i = 0; i < 5; i++) { try { host.call("a", {}); ok++; } catch (e) {} }
                  return ok;
                }
                """);

        ScriptAbortedException aborted = assertThrows(ScriptAbortedException.class,
                () -> fixture.run(script, "{}", new ScriptLimits(1_000, 64L << 20, 3)));
        assertEquals(AbortReason.MAX_CALLS, aborted.getReason());
        assertEquals(3, fixture.hostCalls.size());
    }

    @Test
    void aScriptRunsOnlyInTheSandboxThatCompiledIt() throws Exception {
        CompiledScript script = fixture.compile("export default function (input) { return 1; }");
        try (SandboxFixture other = new SandboxFixture()) {
            assertThrows(IllegalArgumentException.class, () -> other.run(script, "{}", SandboxFixture.LIMITS));
        }
    }

    @Test
    void aClosedSandboxRunsNothing() throws Exception {
        SandboxFixture closing = new SandboxFixture();
        CompiledScript script = closing.compile("export default function (input) { return 1; }");
        closing.close();

        assertThrows(IllegalStateException.class, () -> closing.run(script, "{}", SandboxFixture.LIMITS));
    }

    @Test
    void aHostFailureIsRethrownToTheCaller() throws Exception {
        CompiledScript script = fixture.compile(
                "export default function (input) { try { host.call('a', {}); } catch (e) { return 'swallowed'; } }");
        HostBridge broken = (module, options, remainingNanos) -> {
            throw new IllegalStateException("executor shut down");
        };

        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> fixture.sandbox.run(script, "{}",
                SandboxFixture.REQUEST, broken, fixture.console, SandboxFixture.LIMITS));
        assertEquals("executor shut down", thrown.getMessage());
    }
}

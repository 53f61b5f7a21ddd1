package dev.mik.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The injector guards every loop, function, catch and throw, and the verifier accepts nothing less. */
class GuardInstrumentationTest {

    private static final String PREFIX =
            "(function(__g,__gThrow,__gv,__gk){return function(input,request,host,console){";
    private static final String SUFFIX = "\n;return 1;}})";

    private static String instrument(String body) throws ScriptCompileException {
        String factory = PREFIX + body + SUFFIX;
        return GuardInjector.instrument("t", factory, new JsParser().parseScript("t", factory));
    }

    private static String verify(String instrumented) throws ScriptCompileException {
        return GuardVerifier.verify(new JsParser().parseScript("t", instrumented), instrumented);
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    static Stream<String> forms() {
        return Stream.of(
                "for (let i = 0; i < 3; i++) i++;",
                "for (const k in {a: 1}) {}",
                "for (var v of [1, 2]) v;",
                "var n = 0; do n++; while (n < 3)",
                "var a = 1; while (a) if (a) a = 0; else a = 1;",
                "outer: for (;;) { for (;;) { continue outer; } }",
                "switch (1) { case 1: while (false); }",
                "for (;;) for (;;) break;",
                "var f = x => `a${x}b`, g = x => 'q' + x, h = x => /r/.test(x), k = a => b => a + b;",
                "var m = (a, b) => (a, b), p = () => ({a: 1}), q = (x) => { return x; };",
                "var o = { get v() { return 1; }, set v(x) {}, m() { return 2; } };",
                "for (var i = 0; i < 2; i++) { function inner() { return i; } inner(); }",
                "function f(y) { if (y) throw new Error('e' + y)\n return 1 }",
                "try { throw /* c */ 'x' /* d */ ; } catch (err) { try { null.x; } catch (e2) { throw e2; } }",
                "while (false) throw 1",
                "[1].map(function (x) { return [x].map(y => y * 2); });");
    }

    @ParameterizedTest
    @MethodSource("forms")
    void everySyntaxFormIsInstrumentedAndVerified(String body) throws Exception {
        String instrumented = instrument(body);

        assertNull(verify(instrumented), instrumented);
        assertEquals(count(PREFIX + body + SUFFIX, "\n"), count(instrumented, "\n"), "line breaks are kept");
    }

    @Test
    void eachConstructGetsItsGuard() throws Exception {
        String instrumented = instrument("""
                function a() { for (let i = 0; i < 1; i++) {} }
                var b = () => 1;
                try { a(); } catch (e) { throw e; }
                """);

        // factory + inner function + a + for + b (expression arrow)
        assertEquals(4, count(instrumented, "__g.t();"), instrumented);
        assertEquals(1, count(instrumented, "__g.t()?0:"), instrumented);
        assertEquals(1, count(instrumented, "__g.c(e);"), instrumented);
        assertEquals(1, count(instrumented, "throw __gThrow( e)"), instrumented);
    }

    @Test
    void verifierRejectsAnUnguardedLoop() throws Exception {
        String instrumented = instrument("for (;;) {}").replace("{__g.t();}", "{}");

        assertNotNull(verify(instrumented));
    }

    @Test
    void verifierRejectsAnUnguardedFunctionArrowCatchOrThrow() throws Exception {
        assertNotNull(verify(instrument("function f() { return 1; }").replace("{__g.t(); return 1;", "{ return 1;")));
        assertNotNull(verify(instrument("var f = x => x;").replace("__g.t()?0:", "")));
        assertNotNull(verify(instrument("try {} catch (e) {}").replace("__g.c(e);", "")));
        assertNotNull(verify(instrument("throw 1;").replace("__gThrow( 1)", "1")));
        assertNotNull(verify(instrument("try {} catch (e) {}").replace("__g.c(e);", "__g.c(input);")));
    }

    @Test
    void verifierRejectsAProgramThatRunsCodeWhenEvaluated() throws Exception {
        String closesEarly = PREFIX + "}})\n;(function(){ while (true) {} })();"
                + "(function(__g,__gThrow,__gv,__gk){return function(){" + SUFFIX;

        assertNotNull(verify(closesEarly));
    }

    @Test
    void verifierRejectsReservedNamesTheSandboxDidNotWrite() throws Exception {
        assertNotNull(verify(instrument("var x = 1;").replace("var x = 1;", "var x = __g;")));
    }

    @Test
    void userModulesCannotSpellReservedNames() {
        ScriptCompileException error = assertThrows(ScriptCompileException.class,
                () -> new JsParser().parseModule("t", "var a = 1;\nvar b = a.__gX;\nexport default a;"));

        assertEquals(2, error.getLine());
        assertTrue(error.getMessage().contains("reserved"));
    }
}

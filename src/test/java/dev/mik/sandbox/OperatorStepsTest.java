package dev.mik.sandbox;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openjdk.nashorn.api.scripting.NashornScriptEngineFactory;
import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;

import java.util.SplittableRandom;
import javax.script.ScriptEngine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Operator steps between guard checks are bounded, and instrumenting changes nothing but the guard checks. Seeded
 * programs are run twice in a plain engine, as written and as instrumented, with operands whose conversions are
 * recorded (their {@code valueOf} and {@code toString} are outside the instrumented code, like a long string's
 * conversion inside Nashorn): the conversions must happen in the same order with the same result, and the
 * instrumented run must check the guard between any {@code 2 * VERIFIED_MAX} of them.
 */
class OperatorStepsTest {

    private static final String PREFIX =
            "(function(__g,__gThrow,__gv,__gk){return function(input,request,host,console){";
    private static final String SUFFIX = "\n;return 1;}})";
    private static final int PROGRAMS = 1_000;
    /** Each step converts at most its two operands. */
    private static final int MAX_CONVERSIONS = 2 * OperatorSteps.VERIFIED_MAX;

    private static final String HARNESS = """
        var trace = [];
        var guard = { t: function () { trace.push('G'); }, c: function (e) {} };
        function pass(value) { trace.push('G'); return value; }
        function safeThrow(value) { return value; }
        function op(n) {
          return { valueOf: function () { trace.push('C'); return n; },
                   toString: function () { trace.push('C'); return 'k' + n; } };
        }
        function id(v) { return v; }
        function runFactory(factory, instrumented) {
          trace = [];
          var main = factory(guard, safeThrow, pass, function (o) { return o; });
          var value;
          try { value = String(main(null, {}, null, null)); } catch (e) { value = 'threw ' + e; }
          return JSON.stringify({ value: value, trace: trace.join('') });
        }
        """;

    private static ScriptEngine engine;

    @BeforeAll
    static void startEngine() throws Exception {
        engine = new NashornScriptEngineFactory().getScriptEngine("-strict", "--language=es6",
                "--optimistic-types=false", "--no-syntax-extensions");
        engine.eval(HARNESS);
    }

    private static String instrument(String body) throws ScriptCompileException {
        String factory = PREFIX + body + SUFFIX;
        String instrumented = GuardInjector.instrument("t", factory, new JsParser().parseScript("t", factory));
        try {
            new JsParser().parseScript("t", instrumented);
        } catch (ScriptCompileException e) {
            throw new AssertionError(e.getMessage() + "\n" + instrumented, e);
        }
        String problem = GuardVerifier.verify(new JsParser().parseScript("t", instrumented), instrumented);
        assertNull(problem, () -> problem + "\n" + instrumented);
        return instrumented;
    }

    private static String run(String factoryText) throws Exception {
        Object factory = engine.eval(factoryText);
        return (String) ((ScriptObjectMirror) engine.get("runFactory")).call(null, factory, true);
    }

    /** The longest run of conversions with no guard check between them. */
    private static int longestUnguarded(String trace) {
        int longest = 0;
        int run = 0;
        for (char c : trace.toCharArray()) {
            run = c == 'C' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    @Test
    void seededProgramsKeepTheirMeaningAndMeetAGuardEveryFewConversions() throws Exception {
        SplittableRandom random = new SplittableRandom(SeededScripts.SEED);
        int worst = 0;
        int wrapped = 0;
        int uncompilable = 0;
        for (int i = 0; i < PROGRAMS; i++) {
            String body = new Generator(random).program();
            String instrumented;
            try {
                instrumented = instrument(body);
            } catch (AssertionError e) {
                System.out.println("FAILED ON\n" + body);
                throw e;
            }
            String plain = run(PREFIX + body + SUFFIX);
            String guarded = run(instrumented);
            String plainTrace = trace(plain);
            String guardedTrace = trace(guarded);
            if (value(plain).contains("Failed generating bytecode") || value(plain).contains("VerifyError")) {
                // Nashorn's code generator fails on some forms (an internal error under -ea, or bytecode the JVM
                // rejects): nothing to compare with
                uncompilable++;
            } else {
                assertEquals(value(plain), value(guarded), () -> body + "\n" + instrumented);
                assertEquals(plainTrace.replace("G", ""), guardedTrace.replace("G", ""),
                        () -> body + "\n" + instrumented);
            }
            int unguarded = longestUnguarded(guardedTrace);
            assertTrue(unguarded <= MAX_CONVERSIONS, () -> unguarded + " conversions unguarded in\n" + instrumented);
            worst = Math.max(worst, unguarded);
            wrapped += instrumented.contains("__gv(") ? 1 : 0;
        }
        // the corpus must reach the interesting case: long unguarded stretches without the wraps
        assertTrue(wrapped > PROGRAMS / 2, "only " + wrapped + " programs needed a pass-through guard");
        assertTrue(uncompilable < PROGRAMS / 20, uncompilable + " programs Nashorn could not compile as written");
        System.out.println("operator steps: longest unguarded run " + worst + " conversions in " + PROGRAMS
                + " programs, " + wrapped + " wrapped, " + uncompilable + " not compiled by Nashorn as written");
    }

    private static String value(String json) {
        return json.substring(0, json.indexOf(",\"trace\""));
    }

    private static String trace(String json) {
        return json.substring(json.indexOf(",\"trace\":\"") + 10, json.length() - 2);
    }

    @Test
    void parenthesesStringsCommentsAndRegexesAroundAWrappedNodeAreRespected() throws Exception {
        String body = "var a = op(1), b = op(2), x = 0, o = {};\n"
                + "x = (a, b) * a - ((b)) + /* ) ( */ a * (b, a) + ')'.length"
                + " + /[)(]/.source.length + `(${+a})`.length + (a - b) % (b | a) ^ ((a << 1) >> (b >>> 0)); return x;";
        String instrumented = instrument(body);
        assertTrue(instrumented.contains("__gv("), instrumented);
        assertEquals(value(run(PREFIX + body + SUFFIX)), value(run(instrumented)));
    }

    @Test
    void straightLineStatementsAreGuardedAsOneSequence() throws Exception {
        String body = "var a = op(1), x = 0;\n" + "x = a | 0;\n".repeat(40) + "return x;";
        String trace = trace(run(instrument(body)));
        assertEquals(40, trace.replace("G", "").length());
        assertTrue(longestUnguarded(trace) <= OperatorSteps.PER_GUARD, trace);
    }

    @Test
    void rightNestedOperatorsAreGuardedAsTheyUnwind() throws Exception {
        StringBuilder nested = new StringBuilder("a");
        for (int i = 0; i < 40; i++) {
            nested = new StringBuilder("a * (").append(nested).append(")");
        }
        String body = "var a = op(1); return " + nested + ";";
        String trace = trace(run(instrument(body)));
        assertTrue(longestUnguarded(trace) <= MAX_CONVERSIONS, trace);
    }

    @Test
    void theVerifierRejectsAProgramWithTooManyUnguardedSteps() throws Exception {
        String factory = PREFIX + "var a = 1; return " + "a + ".repeat(OperatorSteps.VERIFIED_MAX + 1) + "a;" + SUFFIX;
        assertNotNull(GuardVerifier.verify(new JsParser().parseScript("t", factory), factory));
        String twoValues = PREFIX + "var a = 1; return __gv(a, a);" + SUFFIX;
        assertNotNull(GuardVerifier.verify(new JsParser().parseScript("t", twoValues), twoValues));
    }

    /** Random statements and expressions over recorded operands, with every syntax a wrap must get right. */
    private static final class Generator {

        private final SplittableRandom random;
        private final StringBuilder out = new StringBuilder();
        private int loops;
        /** Nashorn's lexer trips on a line comment or a regex inside a template substitution: none are made there. */
        private int inTemplate;

        Generator(SplittableRandom random) {
            this.random = random;
        }

        String program() {
            out.append("var a = op(3), b = op(5), x = 1, y = 2, n = 0, o = {k3: 1, k5: 2}, arr = [1, 2, 3];\n");
            int statements = 1 + random.nextInt(6);
            for (int i = 0; i < statements; i++) {
                statement(2);
            }
            out.append("return [x, y, n, typeof o.k3 === 'number' ? o.k3 : String(o.k3)].join();");
            return out.toString();
        }

        private void statement(int depth) {
            int kind = depth == 0 ? random.nextInt(3) : random.nextInt(10);
            switch (kind) {
                case 0, 1 -> out.append(target()).append(' ').append(pick("=", "+=", "-=", "|=", "*="))
                        .append(' ').append(expression(3)).append(";\n");
                case 2 -> out.append(pick("x++", "--y", "o[a]++", "n += a")).append(";\n");
                case 3 -> {
                    out.append("if (").append(expression(2)).append(") {\n");
                    statement(depth - 1);
                    out.append("} else {\n");
                    statement(depth - 1);
                    out.append("}\n");
                }
                case 4 -> {
                    if (loops++ > 2) {
                        statement(0);
                        return;
                    }
                    out.append("for (var i").append(loops).append(" = 0; i").append(loops).append(" < a - 1; i")
                            .append(loops).append("++) {\n");
                    statement(depth - 1);
                    out.append("if (").append(expression(1)).append(") { continue; }\n");
                    statement(depth - 1);
                    out.append("}\n");
                }
                case 5 -> {
                    out.append("switch (n % 3) {\ncase 0:\n");
                    statement(depth - 1);
                    out.append("case 1:\n");
                    statement(depth - 1);
                    out.append("break;\ndefault:\n");
                    statement(depth - 1);
                    out.append("}\n");
                }
                case 6 -> {
                    out.append("try {\n");
                    statement(depth - 1);
                    out.append("} finally {\n");
                    statement(depth - 1);
                    out.append("}\n");
                }
                case 7 -> out.append("x = id(").append(expression(3)).append(") + (function () { return ")
                        .append(expression(2)).append("; })();\n");
                default -> out.append("x = ").append(expression(4)).append(";\n");
            }
        }

        private String target() {
            return pick("x", "y", "o[a]", "o['k' + 5]", "arr[1]");
        }

        private String expression(int depth) {
            if (depth == 0) {
                return atom();
            }
            int d = depth - 1;
            return switch (random.nextInt(18)) {
                case 0 -> atom();
                case 1 -> "(" + expression(d) + ")";
                case 2, 3, 4 -> expression(d) + " " + pick("+", "-", "*", "|", "&", "^", "<<", ">>", ">>>", "%",
                        "<", "<=", "==", "!=", "===", "in") + " " + expression(d);
                case 5 -> pick("-", "+", "~", "!", "typeof ") + "(" + expression(d) + ")";
                case 6 -> expression(d) + " ? " + expression(d) + " : " + expression(d);
                // the left side is a boolean: Nashorn converts an object there when the && is an operand of a
                // number operator (0 >>> (a && 1) calls a.valueOf), and would differ from the instrumented run
                case 7 -> "(!(" + expression(d) + ") " + pick("&&", "||") + " " + expression(d) + ")";
                case 8 -> "(" + expression(d) + ", " + expression(d) + ")";
                case 9 -> "id(" + expression(d) + ")";
                case 10 -> "o[" + expression(d) + "]";
                case 11 -> {
                    inTemplate++;
                    String inner = expression(d);
                    inTemplate--;
                    yield "`(${+(" + inner + ")})`.length";
                }
                case 12 -> "(" + pick("x", "y") + " " + pick("=", "+=", "*=") + " " + expression(d) + ")";
                // chained calls: Nashorn starts each later call's node at its parenthesis
                case 13 -> "String(" + expression(d) + ").concat('z').slice(1).length";
                case 14 -> "[" + expression(d) + ", 1].concat([2]).slice(0)[0]";
                case 15 -> "new Number(+(" + expression(d) + ")).valueOf()";
                // a member assigned a function: Nashorn ends a function expression's node before its body
                case 16 -> "(o.f = function () { return " + expression(d) + "; }, o.f())";
                default -> "/* ( */ " + expression(d) + (inTemplate > 0 ? " /* ) */" : " // )\n");
            };
        }

        private String atom() {
            if (inTemplate > 0) {
                // Nashorn's lexer also trips on a regex (any '/') inside a template substitution
                return pick("a", "b", "x", "y", "1", "2.5", "'('", "')'.length", "arr[0]", "o.k3");
            }
            return pick("a", "b", "a", "b", "x", "y", "1", "2.5", "'('", "')'.length", "/\\(/.source.length",
                    "arr[0]", "o.k3");
        }

        private String pick(String... options) {
            return options[random.nextInt(options.length)];
        }
    }
}

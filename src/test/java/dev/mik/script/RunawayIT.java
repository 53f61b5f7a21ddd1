package dev.mik.script;

import dev.mik.sandbox.BuiltinCaps;
import dev.mik.sandbox.ScriptSandbox;
import dev.mik.testing.Http;
import dev.mik.testing.MikDeployment;
import dev.mik.testing.ServerTest;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The red team's single-call runaways on a real server with a 3 s script deadline: each builtin call, on the
 * largest input the caps allow, called over and over, or once in a {@code finally} after the guard tripped,
 * or straight-line code keeping 16 MB strings, ends within the deadline plus 500 ms with a 504 or 500
 * problem, and the server then answers a normal request.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RunawayIT extends ServerTest {

    private static final String NAME = "runaway-it";
    private static final long DEADLINE_MS = 3_000;
    private static final long GRACE_MS = 500;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final int STRING = ScriptSandbox.MAX_STRING_LENGTH;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return MikDeployment.named(NAME).handler("echo")
                .config("mik.script.timeout-ms", DEADLINE_MS)
                .testScript("status")
                .war();
    }

    /** The red team's calls: {@code setup} builds the largest input the caps allow, {@code call} is the call. */
    record Call(String name, String setup, String call) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Call> calls() {
        String longX = "var s = 'x'.repeat(" + STRING + ");";
        return List.of(
                new Call("getOwnPropertyNames of a large string", "var s = 'x'.repeat(" + BuiltinCaps.MAX_ARRAY_LENGTH
                        + ");", "Object.getOwnPropertyNames(new String(s)).length"),
                new Call("keys of a large string", longX, "Object.keys(new String(s))"),
                new Call("localeCompare of large strings", "var s = 'a'.repeat(" + BuiltinCaps.MAX_COLLATE_LENGTH
                        + "), t = s.slice(1) + 'b';", "s.localeCompare(t)"),
                new Call("encodeURI expansion", "var s = '\\u00e9'.repeat(" + STRING / 6 + ");", "encodeURI(s).length"),
                new Call("JSON.parse of a large string", "var s = '[' + '0,'.repeat("
                        + (BuiltinCaps.MAX_JSON_PARSE_LENGTH / 2 - 2) + ") + '0]';", "JSON.parse(s).length"),
                new Call("global match on a large string", longX, "s.match(/x/g)"),
                new Call("toLowerCase expansion", "var s = '\\u0130'.repeat(" + STRING / 2 + ");", "s.toLowerCase()"),
                new Call("toUpperCase expansion", "var s = '\\u0390'.repeat(" + STRING / 3 + ");", "s.toUpperCase()"),
                new Call("indexOf O(n·m)", "var s = 'a'.repeat(" + STRING + "), p = 'a'.repeat(200000) + 'b';",
                        "s.indexOf(p)"),
                new Call("lastIndexOf O(n·m)", "var s = 'a'.repeat(" + STRING + "), p = 'b' + 'a'.repeat(200000);",
                        "s.lastIndexOf(p)"),
                new Call("includes O(n·m)", "var s = 'a'.repeat(" + STRING + "), p = 'a'.repeat(200000) + 'b';",
                        "s.includes(p)"),
                new Call("split O(n·m)", "var s = 'a'.repeat(" + STRING + "), p = 'a'.repeat(200000) + 'b';",
                        "s.split(p).length"));
    }

    @ParameterizedTest(name = "{0} in a loop")
    @MethodSource("calls")
    void theCallRepeatedEndsWithTheDeadline(Call call) {
        assertStopped("var n = 0;\nfor (;;) { try { n += String(" + call.call() + ").length; } catch (e) { n++; } }",
                call);
    }

    @ParameterizedTest(name = "{0} in a finally")
    @MethodSource("calls")
    void theCallInAFinallyAfterTheGuardTrippedEndsWithTheDeadline(Call call) {
        assertStopped("try { for (;;) {} } finally { " + call.call() + "; }", call);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("straightLines")
    void straightLineAllocationEndsWithAProblem(String body) {
        assertStopped(body, new Call("straight line", "var base = '\\u0100'.repeat(" + (STRING - 2) + ");", ""));
    }

    static List<String> straightLines() {
        StringBuilder statements = new StringBuilder();
        StringBuilder literal = new StringBuilder("return [");
        for (int i = 0; i < 40; i++) {
            statements.append("var s").append(i).append(" = (base + '").append(i).append("').toLowerCase();\n");
            literal.append("(base + '").append(i).append("').toLowerCase(),\n");
        }
        // an 8 Mi-digit string converted to a number: an operator, a builtin that converts, a for-in over its keys;
        // statements repeated often enough that no machine finishes inside the deadline (on Java 25, 300 isNaN took
        // 2.8 s of the 3); the nested sum stays at 300 terms, as 1,000 is more than Nashorn generates bytecode for
        String digits = "var d = '1'.repeat(" + STRING + "); d.charAt(0); var x = 0;\n";
        int repeats = 1_000;
        return List.of(statements.append("return 1;").toString(), literal.append("].length;").toString(),
                "return 'x'.repeat(8e6).match(/x/g).length;",
                digits + "x = d | 0;\n".repeat(repeats) + "return x;",
                digits + "return " + "(d | 0) + ".repeat(300) + "0;",
                digits + "isNaN(d);\n".repeat(repeats) + "return x;",
                digits + "for (var k in d) { x++; }\nreturn x;");
    }

    private void assertStopped(String body, Call call) {
        String name = "runaway" + SEQUENCE.incrementAndGet();
        try {
            ScriptIT.write(MikDeployment.scriptsDirOf(NAME).resolve(name + ".js"),
                    "export default function (input) {\n" + call.setup() + "\n" + body + "\n}\n");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Http.Reply reply = http.post("script/" + name, "");

        System.out.println(call.name() + ": " + reply.status() + " after " + reply.millis() + " ms");
        // stopped by its deadline, a script limit, or a builtin's sandbox limit thrown as an error; a script that
        // failed to compile would prove nothing
        assertTrue(reply.status() == 504 && reply.body().contains("urn:mik:problem:timeout")
                || reply.status() == 500 && reply.body().contains("urn:mik:problem:script-limit")
                || reply.status() == 500 && reply.body().contains("urn:mik:problem:script-error")
                        && reply.body().contains("sandbox limit"),
                () -> call.name() + ": " + reply);
        assertTrue(reply.millis() <= DEADLINE_MS + GRACE_MS, () -> call.name() + " took " + reply.millis() + " ms: "
                + reply);
        Http.Reply healthy = http.post("script/status", "{\"status\":201}");
        assertEquals(201, healthy.status(), () -> "normal script after " + call.name() + ": " + healthy);
    }
}

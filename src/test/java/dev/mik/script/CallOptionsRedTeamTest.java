package dev.mik.script;

import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fourth red team (2026-12-01), against host.call options bound with JSON-B: hostile options a script's
 * {@code JSON.stringify} can write (at most 8 Mi characters and 200,000 values) give a request or BAD_REQUEST, quickly.
 * Held: member names are matched case-sensitively, a later duplicate wins as in the hand parser, numbers of any
 * exponent are kept as their text, nesting up to the input limit is bound, past it read and refused.
 */
class CallOptionsRedTeamTest {

    private static String outcome(String json) {
        try {
            CallOptions o = CallOptions.parse(json);
            return "OK " + o.method() + " " + o.path() + " " + o.headers().size() + " " + o.body().length() + " "
                    + o.query().length();
        } catch (ProblemException p) {
            return p.type() == ProblemType.BAD_REQUEST ? "BAD " + p.detail() : "OTHER " + p.type();
        }
    }

    @Test
    void oddButWellFormedOptionsAreARequestOrABadRequest() {
        assertEquals("OK POST / 0 0 0", outcome("{\"METHOD\":5,\"Path\":1,\"Headers\":2,\"BODY\":3,\"Query\":4}"));
        assertEquals("BAD host.call: method must be a string", outcome("{\"method\":\"GET\",\"method\":5}"));
        assertEquals("OK GET / 0 0 0", outcome("{\"method\":5,\"method\":\"GET\"}"));
        assertEquals("OK POST / 1 0 0", outcome("{\"headers\":{\"a\":1E+999999999}}"));
        assertEquals("OK POST / 1 12 0", outcome("{\"body\":1E+999999999}"));
        assertEquals("OK POST / 0 0 14", outcome("{\"query\":{\"a\":1E-999999999}}"));
    }

    @Test
    void theLargestOptionsAScriptCanWriteAreBoundQuickly() {
        StringBuilder wide = new StringBuilder("{\"headers\":{");
        for (int i = 0; i < 199_000; i++) {
            wide.append(i == 0 ? "" : ",").append("\"h").append(i).append("\":").append(i);
        }
        wide.append("}}");
        String escaped = "{\"body\":\"" + "\\u0001\\\"".repeat(700_000) + "\",\"path\":\"" + "\\ud800/".repeat(300_000)
                + "\"}";
        String deep = "{\"body\":" + "[".repeat(255) + "]".repeat(255) + ",\"query\":{\"q\":" + "{\"a\":".repeat(250)
                + "1" + "}".repeat(250) + "}}";
        for (String json : new String[] {wide.toString(), escaped, deep}) {
            long start = System.nanoTime();
            String outcome = outcome(json);
            long ms = (System.nanoTime() - start) / 1_000_000;
            // answered, or refused by the limit on a call's head, either way quickly
            String limit = "above the limit of " + CallOptions.MAX_HEAD_CHARS;
            assertTrue(outcome.startsWith("OK ") || outcome.contains(limit), outcome);
            assertTrue(ms < 3_000, ms + " ms: " + outcome);
        }
    }
}

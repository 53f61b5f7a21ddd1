package dev.mik.config;

import dev.mik.testing.Http;
import jakarta.json.JsonObject;

import java.util.function.Predicate;
import java.util.function.Supplier;

import static dev.mik.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What both servers' runtime-change tests check the same way: the server is asked until a changed value shows, and
 * a refused {@code mik.handler.timeout-ms} of {@code soon} leaves the server ready, names itself in readiness and
 * keeps the 500 ms in force.
 */
final class RuntimeChangeChecks {

    private RuntimeChangeChecks() {
    }

    /** Waits until readiness names the refused value, then checks the refusal and the value in force; the wait. */
    static long assertRefusedWhile500StaysInForce(Http http, long maxMs) throws InterruptedException {
        long refusedMs = awaitMs(() -> http.get("_mik/health/ready"),
                reply -> reply.body().contains("\"key\":\"" + MikConfig.HANDLER_TIMEOUT_MS + "\""), maxMs);
        Http.Reply ready = http.get("_mik/health/ready");
        assertEquals(200, ready.status(), "a refused value does not take the server out: " + ready.body());
        JsonObject invalid = configCheck(ready.json()).getJsonObject("data").getJsonArray("invalid")
                .getJsonObject(0);
        assertEquals(MikConfig.HANDLER_TIMEOUT_MS, invalid.getString("key"));
        assertEquals("soon", invalid.getString("value"));
        assertEquals("at least 1", invalid.getString("allowed"));
        assertEquals(500, invalid.getJsonNumber("inForce").longValue());
        for (int i = 0; i < 5; i++) {
            assertEquals(200, http.get("run/hello").status());
            assertEquals(500, assertProblem(http.get("run/slow?ms=1500"), 504, "timeout").getInt("timeoutMs"));
        }
        return refusedMs;
    }

    static JsonObject configCheck(JsonObject health) {
        return health.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(check -> check.getString("name").equals("config")).findFirst().orElseThrow();
    }

    /** Asks until the answer passes; how long that took. */
    static long awaitMs(Supplier<Http.Reply> ask, Predicate<Http.Reply> passes, long maxMs)
            throws InterruptedException {
        long started = System.nanoTime();
        Http.Reply last = ask.get();
        while (!passes.test(last)) {
            if ((System.nanoTime() - started) / 1_000_000 > maxMs) {
                throw new AssertionError("not applied within " + maxMs + " ms; last answer " + last);
            }
            Thread.sleep(250);
            last = ask.get();
        }
        return (System.nanoTime() - started) / 1_000_000;
    }
}

package dev.mik.testing;

import jakarta.json.JsonObject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on RFC 9457 problem responses. */
public final class Problems {

    private Problems() {
    }

    /** The reply is a complete problem body of the given status and type slug, carrying the request's id. */
    public static JsonObject assertProblem(Http.Reply reply, int status, String typeSlug) {
        assertEquals(status, reply.status(), reply::toString);
        assertTrue(reply.header("Content-Type").startsWith("application/problem+json"), reply::toString);
        JsonObject problem = reply.json();
        assertEquals("urn:mik:problem:" + typeSlug, problem.getString("type"), reply::toString);
        assertEquals(status, problem.getInt("status"));
        assertNotNull(problem.getString("title"));
        assertNotNull(problem.getString("detail"));
        assertNotNull(problem.getString("instance"));
        assertNotNull(problem.getString("code"));
        assertEquals(reply.header("X-Request-ID"), problem.getString("requestId"));
        assertNotNull(reply.header("traceparent"));
        return problem;
    }
}

package dev.mik.script;

import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.run.HandlerResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScriptResponsesTest {

    @ParameterizedTest
    @CsvSource({"200, 200", "201, 201", "599, 599", "99, 200", "600, 200", "1e300, 200", "404.5, 200"})
    void aReturnedStatusOf200To599SetsTheStatus(String status, int expected) {
        assertEquals(expected, ScriptResponses.value("s", "{\"status\":" + status + "}").status());
    }

    @ParameterizedTest
    @CsvSource({"100", "101", "199"})
    void anInterimStatusIsTheScriptsError(int status) {
        ProblemException e = assertThrows(ProblemException.class,
                () -> ScriptResponses.value("s", "{\"status\":" + status + "}"));
        assertEquals(ProblemType.SCRIPT_ERROR, e.type());
    }

    @Test
    void anEditedResultIsAnsweredFromItsStatusHeadersAndBody() {
        HandlerResponse response = ScriptResponses.editedCall("s", "{\"status\":418,\"headers\":{\"content-type\":"
                + "\"application/json\",\"x-a\":\"1\",\"content-length\":\"9\",\"x-bad\":\"a\\r\\nb\",\"x-n\":5},"
                + "\"body\":{\"ok\":true}}");
        assertEquals(418, response.status());
        assertEquals("1", response.header("x-a"));
        assertNull(response.header("content-length"), "the server owns Content-Length");
        assertNull(response.header("x-bad"), "no header splitting");
        assertNull(response.header("x-n"), "only string values are headers");
        assertEquals("{\"ok\":true}", new String(response.body(), StandardCharsets.UTF_8));
    }

    @Test
    void anEditedResultWithAStringBodyKeepsItsTextAndType() {
        HandlerResponse response = ScriptResponses.editedCall("s",
                "{\"status\":200,\"headers\":{\"content-type\":\"text/plain\"},\"body\":\"hi\"}");
        assertEquals("hi", new String(response.body(), StandardCharsets.UTF_8));
        assertEquals("text/plain", response.header("Content-Type"));
    }

    @Test
    void anEditedResultWithoutAValidStatusIsTheScriptsError() {
        assertThrows(ProblemException.class, () -> ScriptResponses.editedCall("s", "{\"status\":\"ok\"}"));
        assertThrows(ProblemException.class, () -> ScriptResponses.editedCall("s", "{\"status\":101}"));
    }
}

package dev.mik.problem;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProblemTypeTest {

    @Test
    void everyAnswerBelow500IsTheCallersFaultAndNoOtherIs() {
        for (ProblemType type : ProblemType.values()) {
            assertEquals(type.status() < 500, type.fault() == ProblemType.Fault.CALLER, type.name());
        }
    }

    @Test
    void onlyTheHandlersOwnFailuresAreItsFault() {
        Set<ProblemType> handlers = EnumSet.allOf(ProblemType.class).stream()
                .filter(type -> type.fault() == ProblemType.Fault.HANDLER).collect(Collectors.toSet());
        assertEquals(EnumSet.of(ProblemType.HANDLER_ERROR, ProblemType.MEMORY_LIMIT, ProblemType.INVALID_OUTPUT,
                ProblemType.MODULE_INVALID, ProblemType.RESPONSE_TOO_LARGE, ProblemType.OPENAPI_INVALID,
                ProblemType.TIMEOUT),
                handlers);
    }

    @Test
    void codesAndTypeUrisAreUnique() {
        Set<String> uris = EnumSet.allOf(ProblemType.class).stream().map(ProblemType::uri).collect(Collectors.toSet());
        assertEquals(ProblemType.values().length, uris.size());
        for (ProblemType type : ProblemType.values()) {
            assertTrue(type.uri().startsWith("urn:mik:problem:"), type.name());
        }
    }
}

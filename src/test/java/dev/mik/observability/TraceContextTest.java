package dev.mik.observability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceContextTest {

    @Test
    void aValidTraceparentIsContinuedWithANewSpan() {
        TraceContext trace = TraceContext.continueOrStart("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertEquals("0af7651916cd43dd8448eb211c80319c", trace.traceId());
        assertNotEquals("b7ad6b7169203331", trace.spanId());
        assertEquals("01", trace.flags());
        TraceContext child = trace.child();
        assertEquals(trace.traceId(), child.traceId());
        assertNotEquals(trace.spanId(), child.spanId());
    }

    @Test
    void aFutureVersionWithExtraFieldsIsContinued() {
        assertEquals("0af7651916cd43dd8448eb211c80319c", TraceContext.continueOrStart(
                "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra").traceId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "00-00000000000000000000000000000000-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
            "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra"})
    void anythingElseStartsANewTrace(String incoming) {
        TraceContext trace = TraceContext.continueOrStart(incoming);
        assertNotEquals("0af7651916cd43dd8448eb211c80319c", trace.traceId().toLowerCase());
        assertTrue(trace.traceparent().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"), trace.traceparent());
    }
}

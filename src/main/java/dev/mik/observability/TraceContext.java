package dev.mik.observability;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A W3C Trace Context position ({@code traceparent}, version 00): the trace this request belongs to and the span
 * mik opens for it. A valid incoming header is continued (same trace, new span); anything else starts a new trace.
 */
public record TraceContext(String traceId, String spanId, String flags) {

    private static final Pattern TRACEPARENT =
            Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);

    public static TraceContext continueOrStart(String incoming) {
        TraceContext caller = caller(incoming);
        return caller != null ? caller.child() : new TraceContext(randomHex(16), randomHex(8), "01");
    }

    /**
     * A new trace marked not to be recorded (W3C flags {@code 00}): the warm-up's rehearsals, so no span of theirs is
     * exported and no trace shows half a rehearsal.
     */
    public static TraceContext unrecorded() {
        return new TraceContext(randomHex(16), randomHex(8), "00");
    }

    /** The caller's own position from a valid incoming {@code traceparent} (its span, not a new one), else null. */
    public static TraceContext caller(String incoming) {
        if (incoming != null) {
            var match = TRACEPARENT.matcher(incoming.trim());
            if (match.matches() && !"ff".equals(match.group(1)) && !ZERO_TRACE.equals(match.group(2))
                    && !ZERO_SPAN.equals(match.group(3)) && !("00".equals(match.group(1)) && match.group(5) != null)) {
                return new TraceContext(match.group(2), match.group(3), match.group(4));
            }
        }
        return null;
    }

    /** The same trace with a new span, for a call this request makes (a {@code host.call}). */
    public TraceContext child() {
        return new TraceContext(traceId, randomHex(8), flags);
    }

    public String traceparent() {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        do {
            ThreadLocalRandom.current().nextBytes(random);
        } while (allZero(random));
        return HexFormat.of().formatHex(random);
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}

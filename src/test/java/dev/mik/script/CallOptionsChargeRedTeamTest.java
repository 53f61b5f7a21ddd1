package dev.mik.script;

import dev.mik.sandbox.RunGuard;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fifth red team (h-red2): reading a host.call's options is charged to the script at 16 bytes a character
 * (RunGuard.OPTIONS_BYTES_PER_CHAR); what CallOptions.parse allocates per character for options shaped to be costly
 * (many one-character headers or query members, refused by MAX_HEAD_CHARS only after both maps are built).
 */
class CallOptionsChargeRedTeamTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    private static long bytesPerChar(String json) {
        CallOptions.parse("{\"headers\":{\"a\":\"b\"}}");
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            CallOptions.parse(json);
        } catch (RuntimeException refused) {
            // refused or not, what reading it cost is what is charged
        }
        long spent = THREADS.getCurrentThreadAllocatedBytes() - before;
        return spent / json.length();
    }

    private static String members(String name, int count) {
        StringBuilder text = new StringBuilder("{\"" + name + "\":{");
        for (int i = 0; i < count; i++) {
            text.append(i == 0 ? "" : ",").append('"').append(Integer.toString(i, 36)).append("\":0");
        }
        return text.append("}}").toString();
    }

    @Test
    void manyHeadersCostAtMostTheCharge() {
        long perChar = bytesPerChar(members("headers", 1_000_000));
        assertTrue(perChar <= RunGuard.OPTIONS_BYTES_PER_CHAR, perChar + " bytes a character");
    }

    @Test
    void manyQueryMembersCostAtMostTheCharge() {
        long perChar = bytesPerChar(members("query", 1_000_000));
        assertTrue(perChar <= RunGuard.OPTIONS_BYTES_PER_CHAR, perChar + " bytes a character");
    }

    @Test
    void aDeepTextCostsAtMostTheCharge() {
        long perChar = bytesPerChar("{\"body\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}");
        assertTrue(perChar <= RunGuard.OPTIONS_BYTES_PER_CHAR, perChar + " bytes a character");
    }
}

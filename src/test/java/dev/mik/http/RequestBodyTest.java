package dev.mik.http;

import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RequestBodyTest {

    /** Any body, delivered in reads of any size, is read whole within its limit and refused past it. */
    @Test
    void aBodyIsReadWholeUpToItsLimitAndRefusedPastIt() {
        Random random = new Random(0xB0D1L);
        for (int i = 0; i < 3_000; i++) {
            byte[] sent = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(40_000)];
            random.nextBytes(sent);
            long maxBytes = random.nextBoolean() ? Math.max(0, sent.length + random.nextInt(3) - 1)
                    : random.nextInt(50_000);
            InputStream in = dribbled(sent, random.nextLong());
            if (sent.length > maxBytes) {
                ProblemException refused = assertThrows(ProblemException.class, () -> RequestBody.read(in, null,
                        maxBytes), sent.length + " bytes, limit " + maxBytes);
                assertEquals(ProblemType.REQUEST_TOO_LARGE, refused.type());
            } else {
                assertArrayEquals(sent, RequestBody.read(in, null, maxBytes), sent.length + " bytes");
            }
        }
    }

    @Test
    void aDeclaredLengthIsCheckedBeforeReading() {
        InputStream unread = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("read");
            }
        };
        assertEquals(ProblemType.REQUEST_TOO_LARGE,
                assertThrows(ProblemException.class, () -> RequestBody.read(unread, "11", 10)).type());
        assertEquals(ProblemType.BAD_REQUEST,
                assertThrows(ProblemException.class, () -> RequestBody.read(unread, "ten", 10)).type());
    }

    /** {@code bytes} in reads of 1 to 9,000 bytes, as a network stream gives them. */
    private static InputStream dribbled(byte[] bytes, long seed) {
        Random random = new Random(seed);
        return new InputStream() {
            private int next;

            @Override
            public int read() {
                return next < bytes.length ? bytes[next++] & 0xff : -1;
            }

            @Override
            public int read(byte[] into, int offset, int count) {
                if (next >= bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(count, 1 + random.nextInt(9_000)), bytes.length - next);
                System.arraycopy(bytes, next, into, offset, n);
                next += n;
                return n;
            }
        };
    }
}

package dev.mik.observability;

import dev.mik.testing.LogCapture;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessLogTest {

    private static final List<String> KEYS = List.of("method", "route", "name", "status", "duration_ms", "bytes_in",
            "bytes_out", "request_id", "trace_id");

    /** Characters that end, split or disguise a line somewhere (terminals, log viewers, JSON shippers). */
    private static final String HOSTILE = "\"\\= \n\r\t\u0000\u001b\u0085\u2028\u2029\u202e\u200b\ufeff\ud800\udfff"
            + "[]{}'`$é漢😀";

    @Test
    void bytesInIsTheDeclaredLengthZeroWithoutABodyAndUnknownWhenChunked() {
        assertEquals(80, AccessEntry.declaredBodyBytes(80, null));
        assertEquals(0, AccessEntry.declaredBodyBytes(0, null));
        assertEquals(0, AccessEntry.declaredBodyBytes(-1, null), "no Content-Length and no Transfer-Encoding: no body");
        assertEquals(-1, AccessEntry.declaredBodyBytes(-1, "chunked"));
    }

    @Test
    void aPlainRequestIsOneLineOfPairsInAFixedOrder() {
        String line = AccessLog.line(new AccessEntry("POST", "script", "checkout", 201, 12_345_678, 80, 57,
                "req-1", "4bf92f3577b34da6a3ce929d0e0e4736"));
        assertEquals("method=POST route=script name=checkout status=201 duration_ms=12.345 bytes_in=80 bytes_out=57"
                + " request_id=req-1 trace_id=4bf92f3577b34da6a3ce929d0e0e4736", line);
    }

    @Test
    void anUnknownLengthAndAnAbsentValueAreADashWhileADashItselfIsQuoted() {
        String line = AccessLog.line(new AccessEntry("GET", "run", "-", 200, 999, -1, 0, null, "t"));
        assertEquals("method=GET route=run name=\"-\" status=200 duration_ms=0.000 bytes_in=- bytes_out=0"
                + " request_id=- trace_id=t", line);
    }

    @Test
    void aRequestAnsweredBeforeJaxRsHasNoKnownDurationAndOtherPathsNoLine() {
        try (LogCapture capture = LogCapture.of(AccessLog.LOGGER)) {
            AccessLog.answeredEarly("POST", "/run/hello/x", 413, 20_000_000, 310, "r", "t");
            AccessLog.answeredEarly("GET", "/_mik/health", 408, 5, 300, "r", "t");
            assertEquals(List.of("method=POST route=run name=hello status=413 duration_ms=- bytes_in=20000000"
                    + " bytes_out=310 request_id=r trace_id=t"), capture.records().stream()
                    .map(LogRecord::getMessage).toList());
        }
    }

    @Test
    void aNameThatForgesALineOrAPairStaysInsideItsQuotedValue() {
        String forged = "x status=200\n[INFO] method=GET route=run \"name\"=\\ok";
        String line = AccessLog.line(new AccessEntry("GET", "run", forged, 404, 0, 0, 0, "r", "t"));
        assertEquals("method=GET route=run name=\"x status=200\\n[INFO] method=GET route=run \\\"name\\\"=\\\\ok\""
                + " status=404 duration_ms=0.000 bytes_in=0 bytes_out=0 request_id=r trace_id=t", line);
        assertEquals(forged, parse(line).get("name"));
    }

    @Test
    void separatorsAndInvisibleCharactersAreEscapedAsCodePoints() {
        String line = AccessLog.line(new AccessEntry("GET", "run", "a\u2028b\u202ec\u0085", 200, 0, 0, 0, "r", "t"));
        assertTrue(line.contains("name=\"a\\u2028b\\u202ec\\u0085\""), line);
    }

    /**
     * 20,000 entries whose text fields are drawn (fixed seed) from every ASCII character and the characters that split
     * or disguise lines: each line holds no character a reader could take for a line end or hide, and parses back to
     * exactly the nine keys in order with every value as it was.
     */
    @Test
    void everyGeneratedEntryIsOneSafeLineThatParsesBackToItsValues() {
        Random random = new Random(20261130);
        for (int i = 0; i < 20_000; i++) {
            AccessEntry entry = new AccessEntry(text(random), text(random), text(random), random.nextInt(600),
                    random.nextInt(10) == 0 ? -1 : random.nextLong(0, Long.MAX_VALUE), random.nextInt(3) - 1,
                    random.nextInt(1 << 20), random.nextInt(10) == 0 ? null : text(random), text(random));
            String line = AccessLog.line(entry);
            for (char c : line.toCharArray()) {
                int type = Character.getType(c);
                assertFalse(type == Character.CONTROL || type == Character.LINE_SEPARATOR
                        || type == Character.PARAGRAPH_SEPARATOR || type == Character.FORMAT
                        || type == Character.SURROGATE, () -> "line " + line + " holds U+" + Integer.toHexString(c));
            }
            Map<String, String> parsed = parse(line);
            assertEquals(KEYS, List.copyOf(parsed.keySet()), line);
            assertEquals(entry.method(), parsed.get("method"), line);
            assertEquals(entry.route(), parsed.get("route"), line);
            assertEquals(entry.name(), parsed.get("name"), line);
            assertEquals(Integer.toString(entry.status()), parsed.get("status"), line);
            assertEquals(entry.bytesIn() < 0 ? null : Long.toString(entry.bytesIn()), parsed.get("bytes_in"), line);
            assertEquals(Long.toString(entry.bytesOut()), parsed.get("bytes_out"), line);
            assertEquals(entry.durationNs() < 0, parsed.get("duration_ms") == null, line);
            assertEquals(entry.requestId(), parsed.get("request_id"), line);
            assertEquals(entry.traceId(), parsed.get("trace_id"), line);
        }
    }

    @Test
    void theLineGoesToTheAccessLoggerAtInfoAndOffSilencesIt() {
        Logger access = Logger.getLogger(AccessLog.LOGGER);
        Level before = access.getLevel();
        try (LogCapture capture = LogCapture.of(AccessLog.LOGGER)) {
            AccessEntry entry = new AccessEntry("GET", "run", "hello", 200, 1_000_000, 0, 13, "r", "t");
            AccessLog.log(entry);
            assertEquals(1, capture.records().size());
            assertEquals(Level.INFO, capture.records().get(0).getLevel());
            assertEquals(AccessLog.line(entry), capture.records().get(0).getMessage());
            access.setLevel(Level.OFF);
            AccessLog.log(entry);
            assertEquals(1, capture.records().size());
        } finally {
            access.setLevel(before);
        }
    }

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            text.append(random.nextBoolean() ? (char) random.nextInt(128)
                    : HOSTILE.charAt(random.nextInt(HOSTILE.length())));
        }
        return text.toString();
    }

    /**
     * The reader's side, written from the format's description: pairs {@code key=value} separated by one space; a value
     * is a dash (absent), a bare word, or a double-quoted string with backslash escapes.
     */
    static Map<String, String> parse(String line) {
        Map<String, String> pairs = new LinkedHashMap<>();
        int i = 0;
        while (i < line.length()) {
            int equals = line.indexOf('=', i);
            String key = line.substring(i, equals);
            i = equals + 1;
            String value;
            if (line.charAt(i) == '"') {
                StringBuilder unquoted = new StringBuilder();
                i++;
                while (line.charAt(i) != '"') {
                    char c = line.charAt(i++);
                    if (c != '\\') {
                        unquoted.append(c);
                        continue;
                    }
                    char escaped = line.charAt(i++);
                    switch (escaped) {
                        case 'n' -> unquoted.append('\n');
                        case 'r' -> unquoted.append('\r');
                        case 't' -> unquoted.append('\t');
                        case 'u' -> {
                            unquoted.append((char) Integer.parseInt(line.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> unquoted.append(escaped);
                    }
                }
                value = unquoted.toString();
                i++;
            } else {
                int end = line.indexOf(' ', i);
                end = end < 0 ? line.length() : end;
                String bare = line.substring(i, end);
                value = bare.equals("-") ? null : bare;
                i = end;
            }
            if (i < line.length()) {
                assertEquals(' ', line.charAt(i), line);
                i++;
            }
            assertFalse(pairs.containsKey(key), () -> "key " + key + " twice in " + line);
            pairs.put(key, value);
        }
        return pairs;
    }
}

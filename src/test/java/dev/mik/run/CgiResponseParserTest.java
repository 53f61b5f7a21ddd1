package dev.mik.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CgiResponseParserTest {

    private static HandlerResponse parse(String output) {
        return CgiResponseParser.parse(output.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void statusHeadersAndBodyAreSplitAtTheBlankLine() {
        HandlerResponse response = parse("Status: 201 Created\nContent-Type: application/json\nX-A: 1\n\n{\"a\":1}");
        assertEquals(201, response.status());
        assertEquals("application/json", response.header("content-type"));
        assertEquals("1", response.header("X-A"));
        assertEquals("{\"a\":1}", new String(response.body(), StandardCharsets.UTF_8));
    }

    @Test
    void crlfLineEndingsWork() {
        HandlerResponse response = parse("Content-Type: text/plain\r\n\r\nhi\r\n");
        assertEquals(200, response.status());
        assertEquals("hi\r\n", new String(response.body(), StandardCharsets.UTF_8));
    }

    @Test
    void locationWithoutStatusIsARedirect() {
        assertEquals(302, parse("Location: /x\n\n").status());
    }

    @Test
    void headersTheServerOwnsAreDropped() {
        HandlerResponse response = parse("Content-Type: text/plain\nContent-Length: 99\nX-Request-ID: forged\n"
                + "Transfer-Encoding: chunked\n\nok");
        assertNull(response.header("Content-Length"));
        assertNull(response.header("X-Request-ID"));
        assertNull(response.header("Transfer-Encoding"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"100", "101", "103", "199", "600", "abc", "-1"})
    void statusOutside200To599IsInvalidSoNoInterimResponseCanBeForged(String status) {
        assertThrows(InvalidHandlerOutputException.class,
                () -> parse("Status: " + status + "\nContent-Type: text/plain\n\nHTTP/1.1 200 OK\n\nforged"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"no header block at all", "Content-Type text/plain\n\nbody", "X-Only: 1\n\nbody",
            "Bad Name: x\n\nbody", "X-Ctl: a\u0001b\nContent-Type: text/plain\n\nbody"})
    void outputThatIsNotACgiResponseIsRejected(String output) {
        assertThrows(InvalidHandlerOutputException.class, () -> parse(output));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Type: text/plain\nContent-Type: text/html\n\nx",
            "Content-Type: text/plain\ncontent-type: text/plain\n\nx", "Location: /a\nLocation: /b\n\n",
            "Status: 200\nStatus: 201\nContent-Type: text/plain\n\nx",
            "Content-Type: text/plain\nETag: \"a\"\nEtag: \"b\"\n\nx"})
    void aSingleValuedHeaderGivenTwiceIsInvalid(String output) {
        var refused = assertThrows(InvalidHandlerOutputException.class, () -> parse(output));
        org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("twice"), refused::getMessage);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Type: ///\n\nx", "Content-Type: text/plain; charset=\"utf-8\n\nx",
            "Location: /a b\n\n", "Location: http://[::1\n\n", "Content-Type: text/plain\nContent-Location: %zz\n\nx"})
    void aMediaTypeOrUriTheHttpLayerCouldNotParseIsInvalid(String output) {
        assertThrows(InvalidHandlerOutputException.class, () -> parse(output));
    }

    @Test
    void listHeadersMayRepeatAndKeepTheirOrder() {
        HandlerResponse response = parse("Content-Type: text/plain\nSet-Cookie: a=1\nSet-Cookie: b=2\n\nx");
        assertEquals(java.util.List.of("a=1", "b=2"), response.headers().stream()
                .filter(header -> header.getKey().equals("Set-Cookie")).map(java.util.Map.Entry::getValue).toList());
    }

    /** The block is split as {@code block.split("\\r?\\n")} splits it (whose empty trailing lines the parser skips). */
    @Test
    void linesAreSplitAsTheLineEndingPatternSplitsThem() {
        char[] alphabet = {'A', 'b', ':', ' ', '\r', '\n', '\t', '\u0001', '\u007f', '\u00e9'};
        java.util.Random random = new java.util.Random(0xC61L);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder block = new StringBuilder();
            for (int n = random.nextInt(24); n > 0; n--) {
                block.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String text = block.toString();
            java.util.List<String> lines = new java.util.ArrayList<>(CgiResponseParser.lines(text));
            while (lines.size() > 1 && lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1);
            }
            java.util.List<String> expected = java.util.List.of(text.split("\\r?\\n"));
            assertEquals(expected.isEmpty() ? java.util.List.of("") : expected, lines, () -> "block " + text
                    .replace("\r", "\\r").replace("\n", "\\n"));
        }
    }
}

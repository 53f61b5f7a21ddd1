package dev.mik.http;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Percent-encoding and -decoding live together, and each decoding gives back exactly what was encoded. */
class HttpRequestsTest {

    /** Characters with a meaning in URLs, a space, and non-ASCII of one, two and three UTF-8 bytes beyond two. */
    private static final String ALPHABET = "aZ09/%+ ?&=#;.~-_*'()!@$,:é€\u00a0中\ud83d\ude00\n";

    @Test
    void namedEncodings() {
        assertEquals("a+b%2Fc%25%2B%C3%A9", HttpRequests.encodeQuery("a b/c%+é"));
        assertEquals("/a%20b/c%25/%2B/%C3%A9/", HttpRequests.encodePath("/a b/c%/+/é/"));
        assertEquals("", HttpRequests.encodePath(""));
        assertEquals("/", HttpRequests.encodePath("/"));
        assertEquals("to=u+alice&n=3&%C3%A9%2F%26%3D=%2B%25",
                QueryString.encode(orderedMap("to", "u alice", "n", "3", "é/&=", "+%")));
        assertEquals("", QueryString.encode(Map.of()));
    }

    @Test
    void decodingAQueryPartGivesBackWhatWasEncoded() {
        Random random = new Random(20261201);
        for (int round = 0; round < 5_000; round++) {
            String text = text(random);
            assertEquals(text, HttpRequests.decodeQuery(HttpRequests.encodeQuery(text)), text);
        }
    }

    @Test
    void decodingAPathGivesBackWhatWasEncodedWithItsSlashes() {
        Random random = new Random(20261202);
        for (int round = 0; round < 5_000; round++) {
            String path = "/" + text(random);
            String raw = HttpRequests.encodePath(path);
            assertEquals(path, HttpRequests.decodePath(raw), path);
            assertEquals(path.chars().filter(c -> c == '/').count(), raw.chars().filter(c -> c == '/').count(), raw);
            assertTrue(raw.chars().allMatch(c -> c > ' ' && c < 127 && c != '+'), raw);
        }
    }

    @Test
    void anEncodedQueryParsesBackToItsNamesAndValuesInOrder() {
        Random random = new Random(20261203);
        for (int round = 0; round < 2_000; round++) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = random.nextInt(5); i > 0; i--) {
                values.putIfAbsent(text(random), text(random));
            }
            Map<String, String> parsed = QueryString.parse(QueryString.encode(values)).firstValues();
            assertEquals(List.copyOf(values.entrySet()), List.copyOf(parsed.entrySet()), values.toString());
        }
    }

    /** Random text over {@link #ALPHABET}, a surrogate pair kept whole. */
    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            int at = random.nextInt(ALPHABET.length());
            char c = ALPHABET.charAt(at);
            if (Character.isHighSurrogate(c)) {
                text.append(ALPHABET, at, at + 2);
            } else if (!Character.isLowSurrogate(c)) {
                text.append(c);
            }
        }
        return text.toString();
    }

    private static Map<String, String> orderedMap(String... namesAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }
}

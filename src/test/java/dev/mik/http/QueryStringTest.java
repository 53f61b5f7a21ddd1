package dev.mik.http;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class QueryStringTest {

    private static final String ALPHABET = "ab=&+%é 2F";

    @Test
    void namedCases() {
        QueryString query = QueryString.parse("a=1&&b&a=2&c=x%20y+z&d=%E2%82%AC&e=%zz");
        assertEquals(List.of("a=1", "b", "a=2", "c=x%20y+z", "d=%E2%82%AC", "e=%zz"), query.pairs());
        assertEquals(Map.of("a", "1", "b", "", "c", "x y z", "d", "€", "e", "%zz"), query.firstValues());
        assertEquals(List.of("a=1", "b", "a=2", "c=x y z", "d=€", "e=%zz"), query.decodedPairs());
        assertEquals(List.of(), QueryString.parse(null).pairs());
        assertEquals(List.of(), QueryString.parse("&&").pairs());
    }

    /** Queries built from known names and values, encoded: parsing gives back what was encoded, in order. */
    @Test
    void encodedNamesAndValuesComeBackAsSent() {
        Random random = new Random(20261130);
        for (int round = 0; round < 2_000; round++) {
            List<String[]> sent = new ArrayList<>();
            StringBuilder raw = new StringBuilder();
            for (int i = random.nextInt(6); i > 0; i--) {
                String[] pair = {text(random), text(random)};
                sent.add(pair);
                raw.append(random.nextInt(4) == 0 ? "&&" : "&").append(encode(pair[0])).append('=')
                        .append(encode(pair[1]));
            }
            Map<String, String> first = new LinkedHashMap<>();
            List<String> whole = new ArrayList<>();
            for (String[] pair : sent) {
                first.putIfAbsent(pair[0], pair[1]);
                whole.add(pair[0] + "=" + pair[1]);
            }
            QueryString query = QueryString.parse(raw.toString());
            assertEquals(first, query.firstValues(), raw.toString());
            assertEquals(List.copyOf(first.keySet()), List.copyOf(query.firstValues().keySet()), raw.toString());
            assertEquals(whole, query.decodedPairs(), raw.toString());
        }
    }

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(5); i > 0; i--) {
            text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}

package dev.mik.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class HeaderValuesTest {

    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final String QUOTED = "\"(?:[\\t !#-\\[\\]-~]|\\\\[\\t -~])*\"";
    /** RFC 9110's media-type, written out as a regular expression: the reference the parser is compared with. */
    private static final Pattern MEDIA_TYPE = Pattern.compile(TOKEN + "/" + TOKEN + "[ \\t]*(?:;[ \\t]*" + TOKEN
            + "=(?:" + TOKEN + "|" + QUOTED + ")[ \\t]*)*");

    /** Seeded strings built from the characters that matter to the grammar, compared with the reference. */
    @Test
    void mediaTypesAreAcceptedExactlyWhenRfc9110sGrammarMatches() {
        Random random = new Random(9110);
        String[] pieces = {"text", "/", "plain", ";", " ", "\t", "=", "\"", "\\", "charset", "utf-8", "a b", ",",
                "x+json", "é", "(", ")", "", "/", "*"};
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            // half start well-formed, so the parameters' grammar is exercised, not only the type's
            StringBuilder value = new StringBuilder(random.nextBoolean() ? "text/plain" : "");
            for (int n = random.nextInt(12); n >= 0; n--) {
                value.append(pieces[random.nextInt(pieces.length)]);
            }
            String text = value.toString().trim();
            boolean expected = MEDIA_TYPE.matcher(text).matches();
            assertEquals(expected, HeaderValues.mediaTypeProblem(text) == null, () -> "'" + text + "'");
            accepted += expected ? 1 : 0;
        }
        assertEquals(true, accepted > 5000, "the corpus reaches valid media types too: " + accepted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/json; charset=utf-8", "text/plain;charset=\"a;b\\\"c\"",
            "multipart/form-data; boundary=x; a=\"\""})
    void wellFormedMediaTypesPass(String value) {
        assertNull(HeaderValues.mediaTypeProblem(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"///", "text", "text/", "/plain", "text/plain; charset=\"utf-8", "text/plain;",
            "text/plain; a", "text/plain; a=b c", "text/plain; a=é", "té/plain"})
    void malformedMediaTypesAreNamed(String value) {
        assertNotNull(HeaderValues.mediaTypeProblem(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/x", "https://example.com/a?b=c#d", "../up", "?q", "mailto:a@b.c", "//host/p"})
    void uriReferencesPass(String value) {
        assertNull(HeaderValues.uriProblem(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/a b", "/%zz", "http://[::1", "/é", "a\u007f", "::"})
    void whatIsNotAUriReferenceIsNamed(String value) {
        assertNotNull(HeaderValues.uriProblem(value));
    }
}

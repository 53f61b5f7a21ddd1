package dev.mik.sandbox;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The linear string algorithms give exactly the JDK's (or Nashorn's) results: every code point alone, and seeded
 * generated strings built from the characters where the algorithms have special cases.
 */
class LinearTextTest {

    private static final long SEED = 20261130L;
    /** Σ (final-sigma context), letters, uncased and case-ignorable characters, expanding ones, surrogates. */
    private static final String[] CASE_ALPHABET = {"\u03A3", "\u03C3", "a", "A", "\u0390", "\u0130", "\u00DF",
        "\uFB00", "1", " ", "'", ".", "\u0301", "\u02B0", "_", "-", "\uD801\uDC00", "\uD801\uDC28", "\uD800", "\u01C5",
        "\u1E9E", "\u0345", "\u3042", ":"};

    @Test
    void everyCodePointMapsLikeTheJdk() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp += cp < 0x20000 ? 1 : 7) {
            String one = new String(Character.toChars(cp));
            // the prefix makes the tables, not the JDK fallback, map the code point
            assertEquals(("\u0390" + one).toUpperCase(Locale.ROOT), LinearText.toUpperCase("\u0390" + one),
                    () -> "upper " + Integer.toHexString(one.codePointAt(0)));
            assertEquals(("\u0130" + one).toLowerCase(Locale.ROOT), LinearText.toLowerCase("\u0130" + one),
                    () -> "lower " + Integer.toHexString(one.codePointAt(0)));
        }
    }

    @Test
    void generatedStringsMapLikeTheJdk() {
        Random random = new Random(SEED);
        for (int n = 0; n < 50_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(24);
            for (int i = 0; i < length; i++) {
                text.append(CASE_ALPHABET[random.nextInt(CASE_ALPHABET.length)]);
            }
            String s = text.toString();
            assertEquals(s.toUpperCase(Locale.ROOT), LinearText.toUpperCase(s), () -> "upper of " + escaped(s));
            assertLowerCaseLikeTheJdk(s);
        }
    }

    /**
     * Equal to the JDK's; where a supplementary character stands in the text, the JDK's word boundaries inside
     * surrogate pairs may choose the other sigma for a Σ, and only there may the results differ.
     */
    private static void assertLowerCaseLikeTheJdk(String s) {
        String expected = s.toLowerCase(Locale.ROOT);
        String actual = LinearText.toLowerCase(s);
        if (s.codePoints().allMatch(Character::isBmpCodePoint)) {
            assertEquals(expected, actual, () -> "lower of " + escaped(s));
            return;
        }
        assertEquals(expected.length(), actual.length(), () -> "lower of " + escaped(s));
        for (int i = 0; i < expected.length(); i++) {
            if (expected.charAt(i) != actual.charAt(i)) {
                assertEquals("\u03C2\u03C3".indexOf(expected.charAt(i)) >= 0
                        && "\u03C2\u03C3".indexOf(actual.charAt(i)) >= 0,
                        true, "lower of " + escaped(s) + " differs at " + i + " in more than the sigma");
            }
        }
    }

    @Test
    void generatedSearchesFindWhatTheJdkFinds() {
        Random random = new Random(SEED);
        for (int n = 0; n < 50_000; n++) {
            String s = randomText(random, random.nextInt(120));
            String pattern = random.nextBoolean() && s.length() > 40
                    ? s.substring(random.nextInt(s.length() - 40)).substring(0, 17 + random.nextInt(23))
                    : randomText(random, random.nextInt(30));
            int from = random.nextInt(s.length() + 8) - 4;
            assertEquals(s.indexOf(pattern, from), LinearText.indexOf(s, pattern, from),
                    () -> "indexOf " + pattern + " in " + s + " from " + from);
            assertEquals(s.lastIndexOf(pattern, from), LinearText.lastIndexOf(s, pattern, from),
                    () -> "lastIndexOf " + pattern + " in " + s + " from " + from);
        }
    }

    @Test
    void generatedUriEncodingsEqualNashorns() throws Exception {
        Class<?> utils = Class.forName("org.openjdk.nashorn.internal.runtime.URIUtils");
        Method encodeUri = utils.getDeclaredMethod("encodeURI", Object.class, String.class);
        Method encodeComponent = utils.getDeclaredMethod("encodeURIComponent", Object.class, String.class);
        encodeUri.setAccessible(true);
        encodeComponent.setAccessible(true);
        Random random = new Random(SEED);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(20); i > 0; i--) {
                int cp = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(0x80);
                    case 1 -> 0x80 + random.nextInt(0x780);
                    case 2 -> 0x800 + random.nextInt(0xD000);
                    default -> 0x10000 + random.nextInt(0x100000);
                };
                text.appendCodePoint(cp);
            }
            String s = text.toString();
            assertEquals(encodeUri.invoke(null, null, s), LinearText.encodeUri(s, false), () -> escaped(s));
            assertEquals(encodeComponent.invoke(null, null, s), LinearText.encodeUri(s, true), () -> escaped(s));
            assertEquals(((String) encodeUri.invoke(null, null, s)).length(), LinearText.encodedUriLength(s, false));
            assertEquals(((String) encodeComponent.invoke(null, null, s)).length(),
                    LinearText.encodedUriLength(s, true));
        }
        assertEquals(-1, LinearText.encodedUriLength("a\uD800b", true));
        assertEquals(-1, LinearText.encodedUriLength("\uDC00", false));
    }

    private static String randomText(Random random, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(random.nextInt(8) == 0 ? 'b' : 'a');
        }
        return out.toString();
    }

    private static String escaped(String s) {
        StringBuilder out = new StringBuilder();
        s.chars().forEach(c -> out.append(String.format("\\u%04X", c)));
        return out.toString();
    }
}

package dev.mik.sandbox;

import java.text.BreakIterator;
import java.util.BitSet;
import java.util.Locale;

/**
 * Linear-time versions of the string builtins whose JDK implementation is quadratic on hostile input, for the
 * sandbox's wrappers ({@link BuiltinCaps}) to call through a {@link GuardTicker}:
 * <ul>
 * <li>search: {@code String.indexOf} compares naively, so {@code 'a'.repeat(2e6).indexOf('a'.repeat(2e5)+'b')}
 * makes 4·10^11 comparisons; here a Knuth-Morris-Pratt scan makes at most 2(n+m).</li>
 * <li>case conversion: the JDK grows its result array by one copy per character that expands ({@code ΐ} upper
 * case is three characters) and looks for a word boundary from scratch for every {@code Σ}; here each code
 * point is mapped once through tables the JDK itself filled, and word boundaries are found in one pass.</li>
 * <li>URI encoding: one pass into an exactly sized buffer.</li>
 * </ul>
 * Each result equals the JDK's (differentially tested; one final-sigma corner is noted at
 * {@link #toLowerCase}); only the cost differs.
 */
final class LinearText {

    /** Patterns up to this length are left to the JDK's vectorised search: at most n·16 comparisons. */
    static final int NAIVE_SEARCH_MAX_PATTERN = 16;
    private static final char SIGMA = '\u03A3';
    private static final char DOTTED_CAPITAL_I = '\u0130';
    private static final CaseTable UPPER = CaseTable.of(true);
    private static final CaseTable LOWER = CaseTable.of(false);
    private static final String HEX = "0123456789ABCDEF";
    private static final String URI_UNESCAPED = "-_.!~*'()";
    private static final String URI_RESERVED = ";/?:@&=+$,#";

    private LinearText() {
    }

    /** {@code s.indexOf(pattern, from)} in O(n+m). */
    static int indexOf(String s, String pattern, int from) {
        int start = Math.max(from, 0);
        int m = pattern.length();
        if (m <= NAIVE_SEARCH_MAX_PATTERN || start > s.length() - m) {
            return s.indexOf(pattern, start);
        }
        int[] border = borders(pattern, false);
        int matched = 0;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            while (matched > 0 && pattern.charAt(matched) != c) {
                matched = border[matched - 1];
            }
            if (pattern.charAt(matched) == c && ++matched == m) {
                return i - m + 1;
            }
        }
        return -1;
    }

    /** {@code s.lastIndexOf(pattern, from)} in O(n+m): the same scan run from the right over the reversed pattern. */
    static int lastIndexOf(String s, String pattern, int from) {
        int m = pattern.length();
        int lastStart = Math.min(from, s.length() - m);
        if (m <= NAIVE_SEARCH_MAX_PATTERN || lastStart < 0) {
            return s.lastIndexOf(pattern, from);
        }
        int[] border = borders(pattern, true);
        int matched = 0;
        for (int i = lastStart + m - 1; i >= 0; i--) {
            char c = s.charAt(i);
            while (matched > 0 && pattern.charAt(m - 1 - matched) != c) {
                matched = border[matched - 1];
            }
            if (pattern.charAt(m - 1 - matched) == c && ++matched == m) {
                return i;
            }
        }
        return -1;
    }

    /** KMP's failure function of the pattern, or of the reversed pattern. */
    private static int[] borders(String pattern, boolean reversed) {
        int m = pattern.length();
        int[] border = new int[m];
        int k = 0;
        for (int i = 1; i < m; i++) {
            char c = at(pattern, i, reversed);
            while (k > 0 && at(pattern, k, reversed) != c) {
                k = border[k - 1];
            }
            if (at(pattern, k, reversed) == c) {
                k++;
            }
            border[i] = k;
        }
        return border;
    }

    private static char at(String pattern, int i, boolean reversed) {
        return pattern.charAt(reversed ? pattern.length() - 1 - i : i);
    }

    /** {@code s.toUpperCase(Locale.ROOT)}; upper-casing has no context in the root locale. */
    static String toUpperCase(String s) {
        if (!needsTables(s, true)) {
            return s.toUpperCase(Locale.ROOT);
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            appendMapped(out, cp, UPPER, true);
        }
        return out.toString();
    }

    /**
     * {@code s.toLowerCase(Locale.ROOT)}. The one contextual mapping is the final sigma: {@code Σ} becomes
     * {@code ς} when a cased letter precedes it in its word and none follows it there. The JDK asks a fresh
     * word BreakIterator for each Σ (quadratic); here the word boundaries are found in one pass. One known
     * difference: right after a supplementary character the JDK's {@code isBoundary} (restarting inside the
     * surrogate pair) sometimes reports a boundary its own walk does not have, so a Σ there may get the other
     * sigma than the JDK would give it; every other character is the JDK's.
     */
    static String toLowerCase(String s) {
        if (!needsTables(s, false)) {
            return s.toLowerCase(Locale.ROOT);
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        WordBoundaries words = new WordBoundaries(s);
        int lastCased = -1;
        int lastBoundary = 0;
        for (int i = 0; i < s.length(); ) {
            if (words.at(i)) {
                lastBoundary = i;
            }
            int cp = s.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (cp == SIGMA) {
                boolean finalSigma = lastCased >= lastBoundary && !casedAhead(s, words, next);
                out.append(finalSigma ? '\u03C2' : '\u03C3');
            } else {
                appendMapped(out, cp, LOWER, false);
            }
            if (isCased(cp)) {
                lastCased = i;
            }
            i = next;
        }
        return out.toString();
    }

    /** Whether a cased letter follows in the word; each Σ's scan ends at the next cased letter (a Σ is one). */
    private static boolean casedAhead(String s, WordBoundaries words, int from) {
        for (int i = from; i < s.length() && !words.at(i); ) {
            int cp = s.codePointAt(i);
            if (isCased(cp)) {
                return true;
            }
            i += Character.charCount(cp);
        }
        return false;
    }

    /** The boundaries a word BreakIterator walks through, found in one pass. */
    private static final class WordBoundaries {

        private final int length;
        private final BitSet walked = new BitSet();

        WordBoundaries(String s) {
            this.length = s.length();
            BreakIterator words = BreakIterator.getWordInstance(Locale.ROOT);
            words.setText(s);
            for (int at = words.first(); at != BreakIterator.DONE; at = words.next()) {
                walked.set(at);
            }
        }

        boolean at(int i) {
            return i == 0 || i >= length || walked.get(i);
        }
    }

    static boolean isCased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    /** Whether the JDK would take its quadratic path: a character that expands, or (lower case) a Σ. */
    private static boolean needsTables(String s, boolean upper) {
        String[] expanding = (upper ? UPPER : LOWER).expanding();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (expanding[c] != null || (!upper && (c == SIGMA || c == DOTTED_CAPITAL_I))) {
                return true;
            }
        }
        return false;
    }

    private static void appendMapped(StringBuilder out, int cp, CaseTable table, boolean upper) {
        if (cp > Character.MAX_VALUE) {
            out.appendCodePoint(upper ? Character.toUpperCase(cp) : Character.toLowerCase(cp));
        } else if (table.expanding()[cp] != null) {
            out.append(table.expanding()[cp]);
        } else {
            out.append(table.single()[cp]);
        }
    }

    /**
     * The JDK's own mapping of every BMP character taken alone: {@code expanding} holds those longer than one
     * character, {@code single} the rest (a lone surrogate maps to itself).
     */
    private record CaseTable(char[] single, String[] expanding) {

        static CaseTable of(boolean upper) {
            char[] single = new char[Character.MAX_VALUE + 1];
            String[] expanding = new String[Character.MAX_VALUE + 1];
            for (int c = 0; c <= Character.MAX_VALUE; c++) {
                String one = String.valueOf((char) c);
                String mapped = upper ? one.toUpperCase(Locale.ROOT) : one.toLowerCase(Locale.ROOT);
                if (mapped.length() == 1) {
                    single[c] = mapped.charAt(0);
                } else {
                    expanding[c] = mapped;
                }
            }
            return new CaseTable(single, expanding);
        }
    }

    /** Length of {@code encodeURI} ({@code component} false) or {@code encodeURIComponent}; -1 for a lone surrogate. */
    static long encodedUriLength(String s, boolean component) {
        long length = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                length += unescaped(c, component) ? 1 : 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                length += 12;
                i++;
            } else if (Character.isSurrogate(c)) {
                return -1;
            } else {
                length += c < 0x800 ? 6 : 9;
            }
        }
        return length;
    }

    /**
     * Length of the JSON string literal {@code JSON.stringify} writes for {@code s}, both quotes included: a quote,
     * a backslash and the five short escapes take two characters, any other control character six (a four-digit
     * u escape).
     */
    static long jsonQuotedLength(String s) {
        long length = 2;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20) {
                length += c == '"' || c == '\\' ? 2 : 1;
            } else {
                length += c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t' ? 2 : 6;
            }
        }
        return length;
    }

    /** The encoded text, in one pass; the input holds no lone surrogate ({@link #encodedUriLength}). */
    static String encodeUri(String s, boolean component) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        byte[] utf8 = new byte[4];
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80 && unescaped((char) cp, component)) {
                out.append((char) cp);
                continue;
            }
            int n = utf8(cp, utf8);
            for (int k = 0; k < n; k++) {
                out.append('%').append(HEX.charAt((utf8[k] >> 4) & 0xF)).append(HEX.charAt(utf8[k] & 0xF));
            }
        }
        return out.toString();
    }

    /** Characters that URI encoding keeps as they are. */
    private static boolean unescaped(char c, boolean component) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || URI_UNESCAPED.indexOf(c) >= 0 || (!component && URI_RESERVED.indexOf(c) >= 0);
    }

    private static int utf8(int cp, byte[] out) {
        if (cp < 0x80) {
            out[0] = (byte) cp;
            return 1;
        }
        if (cp < 0x800) {
            out[0] = (byte) (0xC0 | cp >> 6);
            out[1] = (byte) (0x80 | cp & 0x3F);
            return 2;
        }
        if (cp < 0x10000) {
            out[0] = (byte) (0xE0 | cp >> 12);
            out[1] = (byte) (0x80 | cp >> 6 & 0x3F);
            out[2] = (byte) (0x80 | cp & 0x3F);
            return 3;
        }
        out[0] = (byte) (0xF0 | cp >> 18);
        out[1] = (byte) (0x80 | cp >> 12 & 0x3F);
        out[2] = (byte) (0x80 | cp >> 6 & 0x3F);
        out[3] = (byte) (0x80 | cp & 0x3F);
        return 4;
    }
}

package dev.mik.sandbox;

/** Skips JavaScript whitespace and comments, for the few places that read source text around IR positions. */
final class Trivia {

    private Trivia() {
    }

    /** The first position at or after {@code from} that is neither whitespace nor inside a comment. */
    static int skip(String text, int from) {
        int at = from;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (isWhitespace(c) || isLineTerminator(c)) {
                at++;
            } else if (text.startsWith("//", at)) {
                while (at < text.length() && !isLineTerminator(text.charAt(at))) {
                    at++;
                }
            } else if (text.startsWith("/*", at)) {
                int end = text.indexOf("*/", at + 2);
                if (end < 0) {
                    return text.length();
                }
                at = end + 2;
            } else {
                return at;
            }
        }
        return at;
    }

    static boolean isLineTerminator(char c) {
        return c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029';
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\u000B' || c == '\f' || c == '\u00A0' || c == '\uFEFF'
                || Character.getType(c) == Character.SPACE_SEPARATOR;
    }
}

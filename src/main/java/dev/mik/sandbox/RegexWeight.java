package dev.mik.sandbox;

/**
 * An upper bound of the steps one match attempt of a JavaScript regular expression takes from one position,
 * counting every atom once and multiplying a counted quantifier's atom by its bound: {@code (?:(?:^){40000}){25000}}
 * weighs 10^9. Steps over zero-width atoms ({@code ^}, {@code $}, an empty group) read no character, so the guarded
 * input never sees them: the weight caps them, and sets how often the input checks the guard.
 */
final class RegexWeight {

    private RegexWeight() {
    }

    /** One open group: the alternatives closed so far, the current one, and the last atom (for a quantifier). */
    private static final class Group {
        long closedAlternatives;
        long current;
        long lastAtom;
    }

    /**
     * The weight of {@code source}, or {@code cap + 1} once it is known to exceed {@code cap}. {@code {n}} and
     * {@code {n,}} multiply by n, {@code {n,m}} by m; {@code *}, {@code +} and {@code ?} by one (java.util.regex
     * ends an unbounded loop that makes no progress). A character class or an escape is one atom.
     */
    static long of(String source, long cap) {
        long over = cap + 1;
        java.util.ArrayDeque<Group> open = new java.util.ArrayDeque<>();
        Group group = new Group();
        int n = source.length();
        for (int i = 0; i < n; i++) {
            char c = source.charAt(i);
            switch (c) {
                case '(' -> {
                    open.push(group);
                    group = new Group();
                    i = groupPrefixEnd(source, i);
                }
                case ')' -> {
                    if (!open.isEmpty()) {
                        long inner = Math.max(1, Math.min(over, group.closedAlternatives + group.current));
                        group = open.pop();
                        atom(group, inner, over);
                    }
                }
                case '|' -> {
                    group.closedAlternatives = Math.min(over, group.closedAlternatives + group.current);
                    group.current = 0;
                    group.lastAtom = 0;
                }
                case '*', '+', '?' -> {
                    // a bound of one: the atom's weight stands
                }
                case '{' -> {
                    int end = quantifierEnd(source, i);
                    if (end < 0) {
                        atom(group, 1, over);   // a literal brace (Annex B)
                    } else {
                        long factor = Math.max(1, bound(source.substring(i + 1, end), over));
                        long repeated = Math.min(over, group.lastAtom * factor);
                        group.current = Math.min(over, group.current + repeated - group.lastAtom);
                        group.lastAtom = repeated;
                        i = end;
                    }
                }
                case '[' -> {
                    i = classEnd(source, i);
                    atom(group, 1, over);
                }
                case '\\' -> {
                    i = escapeEnd(source, i);
                    atom(group, 1, over);
                }
                default -> atom(group, 1, over);
            }
        }
        while (!open.isEmpty()) {
            long inner = Math.max(1, Math.min(over, group.closedAlternatives + group.current));
            group = open.pop();
            atom(group, inner, over);
        }
        return Math.min(over, group.closedAlternatives + group.current);
    }

    private static void atom(Group group, long weight, long over) {
        group.current = Math.min(over, group.current + weight);
        group.lastAtom = weight;
    }

    /** Index of the '}' closing a quantifier {n}, {n,} or {n,m} opened at {@code open}, or -1 if it is none. */
    private static int quantifierEnd(String source, int open) {
        int i = open + 1;
        int digits = 0;
        while (i < source.length() && source.charAt(i) >= '0' && source.charAt(i) <= '9') {
            i++;
            digits++;
        }
        if (digits == 0) {
            return -1;
        }
        if (i < source.length() && source.charAt(i) == ',') {
            i++;
            while (i < source.length() && source.charAt(i) >= '0' && source.charAt(i) <= '9') {
                i++;
            }
        }
        return i < source.length() && source.charAt(i) == '}' ? i : -1;
    }

    /** The multiplier of a quantifier's body "n", "n," or "n,m", at most {@code over}. */
    private static long bound(String body, long over) {
        int comma = body.indexOf(',');
        String digits = comma < 0 || comma == body.length() - 1 ? body.substring(0, comma < 0 ? body.length() : comma)
                : body.substring(comma + 1);
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            value = Math.min(over, value * 10 + (digits.charAt(i) - '0'));
        }
        return value;
    }

    /** Index of the last character of a group's opening: '(' itself, or the end of ?: ?= ?! ?<= ?<! ?<name>. */
    private static int groupPrefixEnd(String source, int open) {
        if (!source.startsWith("?", open + 1)) {
            return open;
        }
        if (source.startsWith("?<=", open + 1) || source.startsWith("?<!", open + 1)) {
            return open + 3;
        }
        if (source.startsWith("?<", open + 1)) {
            int close = source.indexOf('>', open);
            return close < 0 ? open + 2 : close;
        }
        return Math.min(open + 2, source.length() - 1);
    }

    /** Index of the last character of the escape at {@code backslash}: \\xHH, \\uHHHH, \\cX, \\ and digits, or one. */
    private static int escapeEnd(String source, int backslash) {
        int next = backslash + 1;
        if (next >= source.length()) {
            return backslash;
        }
        char kind = source.charAt(next);
        if (kind == 'x' && hexDigits(source, next + 1, 2)) {
            return next + 2;
        }
        if (kind == 'u' && hexDigits(source, next + 1, 4)) {
            return next + 4;
        }
        if (kind == 'c' && next + 1 < source.length() && Character.isLetter(source.charAt(next + 1))) {
            return next + 1;
        }
        int end = next;
        while (kind >= '0' && kind <= '9' && end + 1 < source.length() && source.charAt(end + 1) >= '0'
                && source.charAt(end + 1) <= '9') {
            end++;
        }
        return end;
    }

    private static boolean hexDigits(String source, int from, int count) {
        if (from + count > source.length()) {
            return false;
        }
        for (int i = from; i < from + count; i++) {
            if (Character.digit(source.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Index of the ']' closing the class opened at {@code open} (JavaScript: the first unescaped one). */
    private static int classEnd(String source, int open) {
        for (int i = open + 1; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ']') {
                return i;
            }
        }
        return source.length();
    }
}

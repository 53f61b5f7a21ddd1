package dev.mik.sandbox;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;

/**
 * The brackets of a script's text, matched, and the characters that are template text. Nashorn's IR keeps no
 * parentheses: the node of {@code (a, b) * c} starts at {@code a}, inside the group; and a function expression's
 * node ends before its body's closing brace. {@link #span} widens such a node's range to the smallest balanced
 * one, so text inserted around it wraps exactly that expression.
 *
 * <p>Strings, comments and template text are skipped. A regular expression literal cannot be told from a division
 * by its characters alone, so the parser's own regex positions are passed in.
 */
final class SourceParens {

    private final String text;
    /** Positions of brackets in code, ascending: ( ) [ ] { } (a template substitution's own braces excluded). */
    private final int[] positions;
    /** For each entry of {@link #positions}, the index of its partner, or -1 when it has none. */
    private final int[] partners;
    private final BitSet templateText = new BitSet();
    /** Start (the quote or backtick) to end (just past the closing one) of every string and template literal. */
    private final TreeMap<Integer, Integer> literals = new TreeMap<>();
    /** Start to end of every comment. */
    private final TreeMap<Integer, Integer> comments = new TreeMap<>();

    /** @param regexSpans start and end of every regex literal, as {start0, end0, start1, end1, ...} ascending */
    SourceParens(String text, int[] regexSpans) {
        this.text = text;
        Scanner scanner = new Scanner(regexSpans);
        scanner.run();
        this.positions = Arrays.copyOf(scanner.found, scanner.count);
        this.partners = scanner.match();
    }

    /** True when {@code position} is inside the literal text of a template (where the parser makes its own + nodes). */
    boolean inTemplateText(int position) {
        return templateText.get(position);
    }

    /**
     * The smallest balanced range that contains {@code [start, finish)}: a group that opens before {@code start}
     * and closes inside the range (or opens inside and closes after it) is taken in whole.
     *
     * @return {start, finish}, or null when the parentheses there do not match (the text did not parse as JavaScript)
     */
    int[] span(int start, int finish) {
        // the parser's string and template nodes leave out their closing quote (and strings their opening one)
        Map.Entry<Integer, Integer> around = enclosingLiteral(start);
        int from = around == null ? start : around.getKey();
        around = enclosingLiteral(finish - 1);
        int to = around == null ? trimComments(finish) : around.getValue();
        boolean widened = true;
        while (widened) {
            widened = false;
            int first = firstAtOrAfter(from);
            int depth = 0;
            for (int i = first; i < positions.length && positions[i] < to; i++) {
                if (opens(positions[i])) {
                    depth++;
                } else if (depth > 0) {
                    depth--;
                } else {
                    if (partners[i] < 0) {
                        return null;
                    }
                    from = positions[partners[i]];
                    widened = true;
                    break;
                }
            }
            if (!widened && depth > 0) {
                // an opening inside the range closes after it: the last unclosed one closes last
                int unclosed = -1;
                int open = 0;
                for (int i = first; i < positions.length && positions[i] < to; i++) {
                    if (opens(positions[i])) {
                        if (open++ == 0) {
                            unclosed = i;
                        }
                    } else {
                        open--;
                    }
                }
                if (unclosed < 0 || partners[unclosed] < 0) {
                    return null;
                }
                to = positions[partners[unclosed]] + 1;
                widened = true;
            }
        }
        return new int[] {from, to};
    }

    /** The parser's end of a node may lie past comments that follow it; the end of the code before them. */
    private int trimComments(int finish) {
        int to = finish;
        while (to > 0) {
            Map.Entry<Integer, Integer> comment = comments.floorEntry(to - 1);
            if (comment != null && comment.getValue() >= to) {
                to = comment.getKey();
            } else if (Character.isWhitespace(text.charAt(to - 1))) {
                to--;
            } else {
                return to;
            }
        }
        return to;
    }

    /** The string, or the template whose literal text, holds {@code position}, or null. */
    private Map.Entry<Integer, Integer> enclosingLiteral(int position) {
        for (Map.Entry<Integer, Integer> literal = literals.floorEntry(position); literal != null;
                literal = literals.lowerEntry(literal.getKey())) {
            if (literal.getValue() > position) {
                return string(literal) || templateText.get(position) ? literal : null;
            }
            if (string(literal)) {
                return null;   // strings do not nest: nothing earlier can hold the position
            }
        }
        return null;
    }

    private boolean string(Map.Entry<Integer, Integer> literal) {
        return text.charAt(literal.getKey()) != '`';
    }

    private boolean opens(int position) {
        char c = text.charAt(position);
        return c == '(' || c == '[' || c == '{';
    }

    private int firstAtOrAfter(int position) {
        int found = Arrays.binarySearch(positions, position);
        return found >= 0 ? found : -found - 1;
    }

    private static boolean isLineTerminator(char c) {
        return c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029';
    }

    /** One pass over the text: code, strings, comments, templates with nested substitutions, regex literals. */
    private final class Scanner {

        private final int[] regexSpans;
        private int regex;
        int[] found = new int[64];
        int count;
        /** Open braces of each template substitution being scanned, innermost last. */
        private int[] braces = new int[8];
        /** Where the template of each substitution being scanned starts. */
        private int[] starts = new int[8];
        private int templates;

        Scanner(int[] regexSpans) {
            this.regexSpans = regexSpans;
        }

        void run() {
            int at = 0;
            int length = text.length();
            while (at < length) {
                char c = text.charAt(at);
                if (c == '\'' || c == '"') {
                    int end = skipString(at, c);
                    literals.put(at, end);
                    at = end;
                } else if (c == '`') {
                    templateText.set(at);
                    at = scanTemplateText(at + 1, at);
                } else if (c == '/' && at + 1 < length && text.charAt(at + 1) == '/') {
                    int end = skipLineComment(at);
                    comments.put(at, end);
                    at = end;
                } else if (c == '/' && at + 1 < length && text.charAt(at + 1) == '*') {
                    int close = text.indexOf("*/", at + 2);
                    int end = close < 0 ? length : close + 2;
                    comments.put(at, end);
                    at = end;
                } else if (c == '/' && isRegexAt(at)) {
                    at = regexSpans[2 * regex - 1];
                } else {
                    at = code(at, c);
                }
            }
        }

        private int code(int at, char c) {
            if (templates > 0 && c == '}' && braces[templates - 1] == 0) {
                templateText.set(at);
                templates--;
                return scanTemplateText(at + 1, starts[templates]);
            }
            if (templates > 0 && c == '{') {
                braces[templates - 1]++;
            } else if (templates > 0 && c == '}') {
                braces[templates - 1]--;
            }
            if ("()[]{}".indexOf(c) >= 0) {
                if (count == found.length) {
                    found = Arrays.copyOf(found, count * 2);
                }
                found[count++] = at;
            }
            return at + 1;
        }

        /** True when a regex literal starts at {@code at}; moves past the literals that end before it. */
        private boolean isRegexAt(int at) {
            while (2 * regex < regexSpans.length && regexSpans[2 * regex + 1] <= at) {
                regex++;
            }
            if (2 * regex < regexSpans.length && regexSpans[2 * regex] == at) {
                regex++;
                return true;
            }
            return false;
        }

        private int skipString(int at, char quote) {
            int i = at + 1;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == '\\') {
                    // an escaped CR LF is one line continuation
                    boolean crlf = i + 2 < text.length() && text.charAt(i + 1) == '\r' && text.charAt(i + 2) == '\n';
                    i += crlf ? 3 : 2;
                } else if (c == quote || c == '\n' || c == '\r') {
                    return i + 1;
                } else {
                    i++;
                }
            }
            return i;
        }

        /** To the line terminator that ends the comment: LF, CR, LS or PS, as Nashorn's lexer reads them. */
        private int skipLineComment(int at) {
            int i = at;
            while (i < text.length() && !isLineTerminator(text.charAt(i))) {
                i++;
            }
            return i;
        }

        /** From just after a backtick or a substitution's closing brace: to the closing backtick or next ${. */
        private int scanTemplateText(int at, int templateStart) {
            int i = at;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == '\\') {
                    templateText.set(i, Math.min(i + 2, text.length()));
                    i += 2;
                } else if (c == '`') {
                    templateText.set(i);
                    literals.put(templateStart, i + 1);
                    return i + 1;
                } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                    templateText.set(i, i + 2);
                    if (templates == braces.length) {
                        braces = Arrays.copyOf(braces, templates * 2);
                        starts = Arrays.copyOf(starts, templates * 2);
                    }
                    starts[templates] = templateStart;
                    braces[templates++] = 0;
                    return i + 2;
                } else {
                    templateText.set(i);
                    i++;
                }
            }
            return i;
        }

        /** Partners by a stack over the found brackets; a closer that does not match the innermost opener has none. */
        int[] match() {
            int[] partner = new int[count];
            Arrays.fill(partner, -1);
            int[] stack = new int[count];
            int depth = 0;
            for (int i = 0; i < count; i++) {
                char c = text.charAt(found[i]);
                if (c == '(' || c == '[' || c == '{') {
                    stack[depth++] = i;
                } else if (depth > 0 && "([{".charAt(")]}".indexOf(c)) == text.charAt(found[stack[depth - 1]])) {
                    int open = stack[--depth];
                    partner[open] = i;
                    partner[i] = open;
                }
            }
            return partner;
        }
    }
}

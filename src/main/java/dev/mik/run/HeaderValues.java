package dev.mik.run;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The checks a handler's header values must pass before they are handed to the HTTP layer, which parses some of them
 * (a media type to pick a writer, a {@code Location} to make it absolute) and fails on what it cannot read. Each check
 * is the header's grammar (RFC 9110), kept to ASCII, so what passes is what every server can carry.
 */
final class HeaderValues {

    private static final String SEPARATORS = "()<>@,;:\\\"/[]?={}";

    private HeaderValues() {
    }

    /** A token: one or more visible ASCII characters that are not separators. */
    static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (char c : text.toCharArray()) {
            if (c <= ' ' || c >= 127 || SEPARATORS.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Why {@code value} is not a media type ({@code type/subtype}, then {@code ; name=value} parameters whose value
     * is a token or a quoted string), or null when it is one.
     */
    static String mediaTypeProblem(String value) {
        int semicolon = value.indexOf(';');
        String essence = (semicolon < 0 ? value : value.substring(0, semicolon)).trim();
        int slash = essence.indexOf('/');
        if (slash < 0 || !isToken(essence.substring(0, slash)) || !isToken(essence.substring(slash + 1))) {
            return "is not type/subtype";
        }
        int at = semicolon;
        while (at >= 0) {
            at = skipSpace(value, at + 1);
            int equals = value.indexOf('=', at);
            if (equals < 0 || !isToken(value.substring(at, equals))) {
                return "has a parameter that is not name=value";
            }
            int end = equals + 1 < value.length() && value.charAt(equals + 1) == '"'
                    ? quotedStringEnd(value, equals + 1) : tokenEnd(value, equals + 1);
            if (end < 0) {
                return "has a parameter value that is neither a token nor a quoted string";
            }
            at = skipSpace(value, end);
            if (at < value.length() && value.charAt(at) != ';') {
                return "has text after a parameter value";
            }
            at = at < value.length() ? at : -1;
        }
        return null;
    }

    /** Why {@code value} is not a URI reference of visible ASCII (RFC 3986), or null when it is one. */
    static String uriProblem(String value) {
        if (value.isEmpty()) {
            return "is empty";
        }
        for (char c : value.toCharArray()) {
            if (c <= ' ' || c >= 127) {
                return "has a character a URI cannot hold";
            }
        }
        try {
            new URI(value);
            return null;
        } catch (URISyntaxException e) {
            return "is not a URI reference (" + e.getReason() + ")";
        }
    }

    private static int skipSpace(String text, int from) {
        int at = from;
        while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
            at++;
        }
        return at;
    }

    /** Where the token starting at {@code from} ends, or -1 if none starts there. */
    private static int tokenEnd(String text, int from) {
        int at = from;
        while (at < text.length() && isToken(text.substring(at, at + 1))) {
            at++;
        }
        return at > from ? at : -1;
    }

    /** Where the quoted string starting at {@code from} (a {@code "}) ends, past its closing quote, or -1. */
    private static int quotedStringEnd(String text, int from) {
        for (int at = from + 1; at < text.length(); at++) {
            char c = text.charAt(at);
            if (c == '"') {
                return at + 1;
            }
            if (c == '\\') {
                at++;
                if (at >= text.length() || !isVisibleOrSpace(text.charAt(at))) {
                    return -1;
                }
            } else if (!isVisibleOrSpace(c)) {
                return -1;
            }
        }
        return -1;
    }

    private static boolean isVisibleOrSpace(char c) {
        return c == '\t' || c >= ' ' && c < 127;
    }
}

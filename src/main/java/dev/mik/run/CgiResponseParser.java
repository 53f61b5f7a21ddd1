package dev.mik.run;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses a handler's stdout as a CGI response: header lines, a blank line, the body. {@code Status} sets the code;
 * {@code Location} without a {@code Status} is a redirect (302); a response needs {@code Content-Type} or
 * {@code Location}. Headers that describe the connection rather than the content are dropped: the server owns them.
 * What the HTTP layer could not carry is refused here, so it is a problem with the request id rather than the
 * server's own error page: a media type or {@code Location} that does not parse, or a single-valued header given
 * twice.
 */
public final class CgiResponseParser {

    /** The header block of a CGI response is small; anything longer is not a header block. */
    static final int MAX_HEADER_BYTES = 64 * 1024;

    private static final Set<String> SERVER_OWNED = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "upgrade", "trailer", "x-request-id", "traceparent");
    /** Headers with one value (RFC 9110): a second line of one is ambiguous, not a list. */
    private static final Set<String> SINGLE_VALUED = Set.of("status", "content-type", "location", "content-location",
            "content-range", "date", "last-modified", "expires", "etag", "age", "retry-after");

    private CgiResponseParser() {
    }

    public static HandlerResponse parse(byte[] output) {
        int end = headerEnd(output);
        if (end < 0) {
            throw new InvalidHandlerOutputException(
                    "no header block: the output must start with headers (Content-Type: …) and a blank line");
        }
        String block = new String(output, 0, end, StandardCharsets.ISO_8859_1);
        int bodyStart = end + (output[end + 1] == '\n' ? 2 : 3);
        Integer status = null;
        boolean hasContentType = false;
        boolean hasLocation = false;
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String line : lines(block)) {
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !HeaderValues.isToken(line.substring(0, colon))) {
                throw new InvalidHandlerOutputException("not a header line: " + abbreviate(line));
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1).trim();
            if (hasControlCharacter(value)) {
                throw new InvalidHandlerOutputException("header " + name + " has a control character");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (SINGLE_VALUED.contains(lower) && !seen.add(lower)) {
                throw new InvalidHandlerOutputException("header " + name + " is given twice; it has one value");
            }
            checkValue(lower, name, value);
            if (lower.equals("status")) {
                status = parseStatus(value);
                continue;
            }
            hasContentType |= lower.equals("content-type");
            hasLocation |= lower.equals("location");
            if (!SERVER_OWNED.contains(lower)) {
                headers.add(new SimpleImmutableEntry<>(name, value));
            }
        }
        if (!hasContentType && !hasLocation) {
            throw new InvalidHandlerOutputException("the response has neither Content-Type nor Location");
        }
        int code = status != null ? status : hasLocation ? 302 : 200;
        return new HandlerResponse(code, headers, Arrays.copyOfRange(output, Math.min(bodyStart, output.length),
                output.length));
    }

    /** The block's lines: split at each {@code \n}, and a {@code \r} just before one dropped with it. */
    static List<String> lines(String block) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int newline = block.indexOf('\n'); newline >= 0; newline = block.indexOf('\n', start)) {
            int end = newline > start && block.charAt(newline - 1) == '\r' ? newline - 1 : newline;
            lines.add(block.substring(start, end));
            start = newline + 1;
        }
        lines.add(block.substring(start));
        return lines;
    }

    private static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < ' ' && c != '\t' || c == 127) {
                return true;
            }
        }
        return false;
    }

    /** Index of the {@code \n} that ends the last header line (followed by {@code \n} or {@code \r\n}), or -1. */
    private static int headerEnd(byte[] output) {
        int limit = Math.min(output.length, MAX_HEADER_BYTES);
        for (int i = 0; i < limit; i++) {
            if (output[i] == '\n') {
                if (i + 1 < output.length && output[i + 1] == '\n') {
                    return i;
                }
                if (i + 2 < output.length && output[i + 1] == '\r' && output[i + 2] == '\n') {
                    return i;
                }
            }
        }
        return -1;
    }

    private static int parseStatus(String value) {
        String code = value.split(" ", 2)[0];
        try {
            int status = Integer.parseInt(code);
            // 1xx would let a handler send an interim response followed by a forged final one
            if (status >= 200 && status <= 599) {
                return status;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidHandlerOutputException("Status must be a number from 200 to 599, not " + abbreviate(value));
    }

    /** Refuses a value of a header that the HTTP layer parses, when it would not parse there. */
    private static void checkValue(String lower, String name, String value) {
        String problem = switch (lower) {
            case "content-type" -> HeaderValues.mediaTypeProblem(value);
            case "location", "content-location" -> HeaderValues.uriProblem(value);
            default -> null;
        };
        if (problem != null) {
            throw new InvalidHandlerOutputException("header " + name + " " + problem + ": " + abbreviate(value));
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }
}

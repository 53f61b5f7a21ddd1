package dev.mik.run;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a handler's stdout as a CGI response: header lines, a blank line, the body. {@code Status} sets the code;
 * {@code Location} without a {@code Status} is a redirect (302); a response needs {@code Content-Type} or
 * {@code Location}. Headers that describe the connection rather than the content are dropped: the server owns them.
 */
public final class CgiResponseParser {

    /** The header block of a CGI response is small; anything longer is not a header block. */
    static final int MAX_HEADER_BYTES = 64 * 1024;

    private static final Set<String> SERVER_OWNED = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "upgrade", "trailer", "x-request-id", "traceparent");

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
        for (String line : block.split("\r?\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new InvalidHandlerOutputException("not a header line: " + abbreviate(line));
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1).trim();
            if (value.chars().anyMatch(c -> c < ' ' && c != '\t' || c == 127)) {
                throw new InvalidHandlerOutputException("header " + name + " has a control character");
            }
            String lower = name.toLowerCase(java.util.Locale.ROOT);
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

    private static boolean isToken(String name) {
        for (char c : name.toCharArray()) {
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }
}

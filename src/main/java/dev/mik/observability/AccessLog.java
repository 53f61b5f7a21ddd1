package dev.mik.observability;

import java.util.concurrent.ThreadFactory;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per {@code /run} and {@code /script} request, on the logger {@value #LOGGER} at INFO, so an operator routes
 * or silences it by that name (the admin console's log levels; OFF costs one level check). The line is
 * {@code key=value} pairs separated by one space, in a fixed order:
 * {@code method route name status duration_ms bytes_in bytes_out request_id trace_id}. A value that is not plain
 * (letters, digits and {@value #PLAIN_PUNCTUATION}) is written in double quotes with {@code \"}, {@code \\},
 * {@code \n}, {@code \r}, {@code \t} and {@code \}{@code uXXXX} escapes for every other character that is not
 * printable, so a hostile method, name or id can neither split a line nor forge a pair.
 */
public final class AccessLog {

    public static final String LOGGER = "dev.mik.access";

    private static final Logger LOG = Logger.getLogger(LOGGER);

    /** The background writer while the application runs; null: callers write their own lines. */
    private static volatile AccessLogWriter writer;

    private AccessLog() {
    }

    public static void log(AccessEntry entry) {
        if (LOG.isLoggable(Level.INFO)) {
            AccessLogWriter background = writer;
            if (background != null) {
                background.write(entry);
            } else {
                LogRecord record = AccessLogWriter.recordOf(LOG);
                record.setMessage(line(entry));
                LOG.log(record);
            }
        }
    }

    /** Starts writing lines on a thread from {@code threads}, up to {@code capacity} of them waiting for it. */
    public static void writeInBackground(ThreadFactory threads, int capacity) {
        writer = new AccessLogWriter(LOG, capacity, threads);
    }

    /** Stops the background writer, once it has written every line given to it; callers write their own after. */
    public static void writeOnCallingThreads() {
        AccessLogWriter background = writer;
        writer = null;
        if (background != null) {
            background.stop();
        }
    }

    /**
     * The line of a {@code /run} or {@code /script} request answered at the servlet layer before JAX-RS saw it (413
     * unread, 408 read too slowly): its duration is not known, so it is {@code -}.
     *
     * @param appPath the path after the context path, e.g. {@code /run/hello}
     */
    public static void answeredEarly(String method, String appPath, int status, long bytesIn, long bytesOut,
                                     String requestId, String traceId) {
        RequestRoute route = RequestRoute.of(appPath);
        if (route != null) {
            log(new AccessEntry(method, route.kind(), route.name(), status, -1, bytesIn, bytesOut, requestId,
                    traceId));
        }
    }

    /** The line for {@code entry}. */
    public static String line(AccessEntry entry) {
        StringBuilder line = new StringBuilder(160);
        pair(line, "method", entry.method());
        pair(line, "route", entry.route());
        pair(line, "name", entry.name());
        line.append(" status=").append(entry.status());
        line.append(" duration_ms=");
        if (entry.durationNs() < 0) {
            line.append('-');
        } else {
            // microsecond precision in milliseconds, e.g. 1.234
            long micros = entry.durationNs() / 1_000;
            line.append(micros / 1_000).append('.');
            String fraction = Long.toString(micros % 1_000);
            line.append("000", 0, 3 - fraction.length()).append(fraction);
        }
        line.append(" bytes_in=").append(entry.bytesIn() < 0 ? "-" : Long.toString(entry.bytesIn()));
        line.append(" bytes_out=").append(entry.bytesOut());
        pair(line, "request_id", entry.requestId());
        pair(line, "trace_id", entry.traceId());
        return line.toString();
    }

    private static void pair(StringBuilder line, String key, String value) {
        if (!line.isEmpty()) {
            line.append(' ');
        }
        line.append(key).append('=');
        if (value == null) {
            line.append('-');
        } else if (isPlain(value)) {
            line.append(value);
        } else {
            quote(line, value);
        }
    }

    /** Besides ASCII letters and digits, what a value may hold to be written without quotes. */
    static final String PLAIN_PUNCTUATION = "._:/@+%,;~!*()-";

    private static boolean isPlain(String value) {
        if (value.isEmpty() || value.equals("-")) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || PLAIN_PUNCTUATION.indexOf(c) >= 0;
            if (!plain) {
                return false;
            }
        }
        return true;
    }

    private static void quote(StringBuilder line, String value) {
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (printable(c)) {
                        line.append(c);
                    } else {
                        line.append("\\u").append(String.format("%04x", (int) c));
                    }
                }
            }
        }
        line.append('"');
    }

    /**
     * Characters shown as themselves: not controls, not line or paragraph separators, not invisible formatting (bidi
     * overrides could make a line read differently from what it holds), not unpaired surrogate halves.
     */
    private static boolean printable(char c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.FORMAT,
                 Character.SURROGATE, Character.UNASSIGNED, Character.PRIVATE_USE -> false;
            default -> true;
        };
    }
}

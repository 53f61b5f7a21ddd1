package dev.mik.observability;

/** Text from handlers and scripts, made safe to put in one log line. */
public final class LogText {

    private LogText() {
    }

    /** Line breaks and other control characters become visible escapes, so guest text cannot forge log lines. */
    public static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append('\t');
                default -> {
                    if (c < ' ' || c == 127) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }
}

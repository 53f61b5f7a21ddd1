package dev.mik.config;

/**
 * A whole-number {@code mik.*} setting: its key, the value in force when it is not set, and the range it accepts.
 *
 * @param why what the range protects, for the report of a value outside it (may be empty)
 */
public record NumberSetting(String key, long fallback, long min, long max, String why) {

    /** Whether {@code raw} is a whole number in range; the reason it is not, else {@code null}. */
    String refusal(String raw) {
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            return "is not a whole number";
        }
        return value < min || value > max ? "is out of range" : null;
    }

    /** The accepted range as an operator reads it, e.g. {@code 1..99} or {@code at least 0 (0 turns it off)}. */
    public String allowed() {
        String range = max == Long.MAX_VALUE ? "at least " + min : min + ".." + max;
        return range + (why.isEmpty() ? "" : " (" + why + ")");
    }
}

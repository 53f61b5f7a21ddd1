package dev.mik.config;

/**
 * A {@code mik.*} value that was refused, and what serves instead: the last valid value, or the default.
 *
 * @param value   the refused value as it was set
 * @param allowed the range the key accepts
 * @param inForce the value that applies meanwhile
 */
public record InvalidSetting(String key, String value, String reason, String allowed, long inForce) {

    /** One line naming all of it, for the log and the readiness check. */
    public String describe() {
        return key + "=" + value + " " + reason + " (allowed: " + allowed + "); " + inForce + " stays in force";
    }
}

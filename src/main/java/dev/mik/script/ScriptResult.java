package dev.mik.script;

/**
 * What a script returned.
 *
 * @param passthroughCall index (0-based) of the {@code host.call} whose result object the script returned, or -1
 * @param json            {@code JSON.stringify} of the returned value; {@code "null"} when it has no JSON form
 */
public record ScriptResult(int passthroughCall, String json) {

    public static final int NO_PASSTHROUGH = -1;

    public boolean isPassthrough() {
        return passthroughCall != NO_PASSTHROUGH;
    }
}

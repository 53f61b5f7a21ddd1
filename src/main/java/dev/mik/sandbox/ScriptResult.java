package dev.mik.sandbox;

/**
 * What a script returned.
 *
 * @param passthroughCall index (0-based) of the {@code host.call} whose result object the script returned unchanged,
 *                        or -1
 * @param editedCall      index of the {@code host.call} whose result object the script returned after changing it
 *                        (its status, headers or body), or -1; the response is then built from the changed object
 * @param json            {@code JSON.stringify} of the returned value; {@code "null"} when it has no JSON form
 */
public record ScriptResult(int passthroughCall, int editedCall, String json) {

    public static final int NO_PASSTHROUGH = -1;

    public boolean isPassthrough() {
        return passthroughCall != NO_PASSTHROUGH;
    }

    public boolean isEditedCall() {
        return editedCall != NO_PASSTHROUGH;
    }
}

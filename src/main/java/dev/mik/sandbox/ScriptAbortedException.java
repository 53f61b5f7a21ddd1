package dev.mik.sandbox;

/** A limit stopped a script run; the run's result, if any, is discarded. */
public final class ScriptAbortedException extends Exception {

    private final AbortReason reason;

    public ScriptAbortedException(String scriptName, AbortReason reason) {
        super(scriptName + ": stopped by the " + reason + " limit");
        this.reason = reason;
    }

    public AbortReason getReason() {
        return reason;
    }
}

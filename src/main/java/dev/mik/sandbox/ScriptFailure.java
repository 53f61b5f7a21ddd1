package dev.mik.sandbox;

/** A script threw, or returned a value that has no JSON form. */
public final class ScriptFailure extends Exception {

    /** The line reported when no line of the script's own file applies. */
    public static final int UNKNOWN_LINE = 0;

    private final String scriptName;
    private final int line;
    private final String detail;

    public ScriptFailure(String scriptName, int line, String detail) {
        super(scriptName + (line == UNKNOWN_LINE ? "" : ":" + line) + ": " + detail);
        this.scriptName = scriptName;
        this.line = line;
        this.detail = detail;
    }

    public String getScriptName() {
        return scriptName;
    }

    /** 1-based line in the script's own file, or {@link #UNKNOWN_LINE}. */
    public int getLine() {
        return line;
    }

    /** The error as the script would print it, e.g. {@code TypeError: Cannot read property "x" of null}. */
    public String getDetail() {
        return detail;
    }
}

package dev.mik.sandbox;

/** A script could not be accepted: a syntax error, a forbidden construct, or no single default export. */
public final class ScriptCompileException extends Exception {

    private final int line;

    public ScriptCompileException(String scriptName, int line, String message) {
        super(scriptName + ":" + line + ": " + message);
        this.line = line;
    }

    /** 1-based line in the script's own file. */
    public int getLine() {
        return line;
    }
}

package dev.mik.sandbox;

/** Where a script's {@code console.log/info/warn/error} lines go. */
@FunctionalInterface
public interface ScriptConsole {

    /**
     * @param level   {@code log}, {@code info}, {@code warn} or {@code error}
     * @param message the arguments joined with spaces, objects as JSON, capped in length
     */
    void log(String level, String message);
}

package dev.mik.sandbox;

/** The request body given as the script's {@code input} is not valid JSON. */
public final class ScriptInputException extends Exception {

    public ScriptInputException(String message) {
        super(message);
    }
}

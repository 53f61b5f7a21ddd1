package dev.mik.openapi;

/** A module's {@code .openapi.json} that mik refuses to serve or merge; the message says why, naming no file path. */
public class InvalidDescriptionException extends Exception {

    public InvalidDescriptionException(String reason) {
        super(reason, null, false, false);
    }
}

package dev.mik.config;

/** An operator set a {@code mik.*} property to a value mik cannot use; the message names the key and the value. */
public class InvalidConfigException extends RuntimeException {
    public InvalidConfigException(String key, Object value, String reason) {
        super("configuration property " + key + "=" + value + " " + reason);
    }
}

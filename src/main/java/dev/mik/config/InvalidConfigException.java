package dev.mik.config;

import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;

/** An operator set a {@code mik.*} property to a value mik cannot use; the message names the key and the value. */
public class InvalidConfigException extends ProblemException {
    public InvalidConfigException(String key, Object value, String reason) {
        super(ProblemType.INTERNAL, "Configuration property " + key + "=" + value + " " + reason + ".");
    }
}

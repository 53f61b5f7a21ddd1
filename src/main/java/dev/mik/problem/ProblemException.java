package dev.mik.problem;

import jakarta.ejb.ApplicationException;

import java.util.Map;

/**
 * Raised anywhere a request must end in a problem response; {@link ProblemMapper} renders it. It is an EJB application
 * exception so it crosses an EJB boundary as itself, not wrapped in an {@code EJBException}.
 */
@ApplicationException
public class ProblemException extends RuntimeException {

    private final ProblemType type;
    private final Integer retryAfterSeconds;
    private final Map<String, Object> extensions;

    public ProblemException(ProblemType type, String detail) {
        this(type, detail, null, Map.of());
    }

    public ProblemException(ProblemType type, String detail, Integer retryAfterSeconds,
            Map<String, Object> extensions) {
        super(detail, null, false, false);
        this.type = type;
        this.retryAfterSeconds = retryAfterSeconds;
        this.extensions = Map.copyOf(extensions);
    }

    public static ProblemException retryLater(ProblemType type, String detail, int retryAfterSeconds) {
        return new ProblemException(type, detail, retryAfterSeconds, Map.of());
    }

    public ProblemType type() {
        return type;
    }

    public String detail() {
        return getMessage();
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Extra members of the problem body (strings, numbers or booleans). */
    public Map<String, Object> extensions() {
        return extensions;
    }
}

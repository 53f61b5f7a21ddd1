package dev.mik.problem;

/**
 * Every kind of error mik answers with, as an RFC 9457 problem type. The {@code code} is the stable name clients and
 * scripts match on (it is also the {@code error} of a failed {@code host.call}); the URN is the problem's {@code type}.
 */
public enum ProblemType {
    INVALID_NAME(400, "invalid-name", "Invalid module or script name"),
    INVALID_INPUT(400, "invalid-input", "Request body is not valid JSON"),
    BAD_REQUEST(400, "bad-request", "Bad request"),
    MODULE_NOT_FOUND(404, "module-not-found", "Module not found"),
    SCRIPT_NOT_FOUND(404, "script-not-found", "Script not found"),
    NOT_FOUND(404, "not-found", "Not found"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
    REQUEST_TIMEOUT(408, "request-timeout", "Request body not received in time"),
    REQUEST_TOO_LARGE(413, "request-too-large", "Request body too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
    RATE_LIMITED(429, "rate-limited", "Too many concurrent requests for this module"),
    HANDLER_ERROR(500, "handler-error", "Handler failed"),
    MEMORY_LIMIT(500, "memory-limit", "Handler exceeded its memory limit"),
    INVALID_OUTPUT(500, "invalid-output", "Handler wrote an invalid CGI response"),
    MODULE_INVALID(500, "module-invalid", "Module cannot be loaded"),
    SCRIPT_ERROR(500, "script-error", "Script failed"),
    SCRIPT_LIMIT(500, "script-limit", "Script exceeded a limit"),
    INTERNAL(500, "internal", "Internal error"),
    RESPONSE_TOO_LARGE(502, "response-too-large", "Handler response too large"),
    OVERLOADED(503, "overloaded", "Server is at its concurrency limit"),
    CIRCUIT_OPEN(503, "circuit-open", "Module is failing; calls are paused"),
    DRAINING(503, "draining", "Server is being undeployed or shut down"),
    TIMEOUT(504, "timeout", "Timed out");

    private final int status;
    private final String slug;
    private final String title;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String uri() {
        return "urn:mik:problem:" + slug;
    }

    public String code() {
        return name();
    }
}

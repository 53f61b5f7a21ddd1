package dev.mik.problem;

/**
 * Every kind of error mik answers with, as an RFC 9457 problem type. The {@code code} is the stable name clients and
 * scripts match on (it is also the {@code error} of a failed {@code host.call}); the URN is the problem's {@code type}.
 */
public enum ProblemType {
    INVALID_NAME(400, Fault.CALLER, "invalid-name", "Invalid module or script name"),
    INVALID_INPUT(400, Fault.CALLER, "invalid-input", "Request body is not valid JSON"),
    BAD_REQUEST(400, Fault.CALLER, "bad-request", "Bad request"),
    MODULE_NOT_FOUND(404, Fault.CALLER, "module-not-found", "Module not found"),
    SCRIPT_NOT_FOUND(404, Fault.CALLER, "script-not-found", "Script not found"),
    OPENAPI_NOT_FOUND(404, Fault.CALLER, "openapi-not-found", "Module has no OpenAPI description"),
    NOT_FOUND(404, Fault.CALLER, "not-found", "Not found"),
    METHOD_NOT_ALLOWED(405, Fault.CALLER, "method-not-allowed", "Method not allowed"),
    REQUEST_TIMEOUT(408, Fault.CALLER, "request-timeout", "Request body not received in time"),
    REQUEST_TOO_LARGE(413, Fault.CALLER, "request-too-large", "Request body too large"),
    UNSUPPORTED_MEDIA_TYPE(415, Fault.CALLER, "unsupported-media-type", "Unsupported media type"),
    RATE_LIMITED(429, Fault.CALLER, "rate-limited", "Too many concurrent requests for this module"),
    HANDLER_ERROR(500, Fault.HANDLER, "handler-error", "Handler failed"),
    MEMORY_LIMIT(500, Fault.HANDLER, "memory-limit", "Handler exceeded its memory limit"),
    INVALID_OUTPUT(500, Fault.HANDLER, "invalid-output", "Handler wrote an invalid CGI response"),
    MODULE_INVALID(500, Fault.HANDLER, "module-invalid", "Module cannot be loaded"),
    SCRIPT_ERROR(500, Fault.SCRIPT, "script-error", "Script failed"),
    SCRIPT_LIMIT(500, Fault.SCRIPT, "script-limit", "Script exceeded a limit"),
    INTERNAL(500, Fault.SERVER, "internal", "Internal error"),
    RESPONSE_TOO_LARGE(502, Fault.HANDLER, "response-too-large", "Handler response too large"),
    OPENAPI_INVALID(502, Fault.HANDLER, "openapi-invalid", "Module's OpenAPI description is invalid"),
    OVERLOADED(503, Fault.SERVER, "overloaded", "Server is at its concurrency limit"),
    CIRCUIT_OPEN(503, Fault.SERVER, "circuit-open", "Module is failing; calls are paused"),
    DRAINING(503, Fault.SERVER, "draining", "Server is being undeployed or shut down"),
    TIMEOUT(504, Fault.HANDLER, "timeout", "Timed out");

    /**
     * Whose fault a failure is: the business rules read this, never the status code. Only a {@link #HANDLER} fault
     * counts towards opening a module's circuit, and a script sees every failure that is not its caller's as
     * {@code HANDLER_ERROR}. A {@code TIMEOUT} is the handler's unless the caller's shorter deadline ended it, which
     * the caller decides.
     */
    public enum Fault {
        /** The request or the call was wrong: a name, a body, a method, a limit of the request itself. */
        CALLER,
        /**
         * The handler failed: it trapped, ran out of memory or time, wrote a bad or oversized answer, will not load,
         * or came with an invalid description.
         */
        HANDLER,
        /** The script failed: it threw, or met one of its limits. */
        SCRIPT,
        /** mik refused or failed by itself: overloaded, a circuit open, draining, a defect. */
        SERVER
    }

    private final int status;
    private final Fault fault;
    private final String slug;
    private final String title;

    ProblemType(int status, Fault fault, String slug, String title) {
        this.status = status;
        this.fault = fault;
        this.slug = slug;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public Fault fault() {
        return fault;
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

package dev.mik.observability;

import jakarta.enterprise.context.RequestScoped;

import java.util.UUID;
import java.util.regex.Pattern;

/** Who this request is, for logs, problem bodies, handlers and every call it makes: request id and trace. */
@RequestScoped
public class RequestCorrelation {

    public static final String REQUEST_ID_HEADER = "X-Request-ID";
    public static final String TRACEPARENT_HEADER = "traceparent";

    /** An incoming id is echoed only when it is short and harmless in a log line or a header. */
    private static final Pattern SANE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");

    private String requestId;
    private TraceContext trace;
    private String path = "";

    /** The incoming id when it is sane, else a new UUID; also for answers given before JAX-RS sees a request. */
    public static String requestIdFor(String incomingRequestId) {
        return incomingRequestId != null && SANE_REQUEST_ID.matcher(incomingRequestId).matches()
                ? incomingRequestId
                : UUID.randomUUID().toString();
    }

    void begin(String incomingRequestId, String incomingTraceparent, String path) {
        this.requestId = requestIdFor(incomingRequestId);
        this.trace = TraceContext.continueOrStart(incomingTraceparent);
        this.path = path;
    }

    public String requestId() {
        if (requestId == null) {
            begin(null, null, path);
        }
        return requestId;
    }

    public TraceContext trace() {
        if (trace == null) {
            begin(null, null, path);
        }
        return trace;
    }

    /** The request path, the {@code instance} of a problem body. */
    public String path() {
        return path;
    }
}

package dev.mik.observability;

import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Who this request is, for logs, problem bodies, handlers and every call it makes: request id and trace. One bean for
 * all requests, each request's identity held on its thread from the pre-matching filter on: JAX-RS serves a request
 * (filters, resource, exception mappers) on one thread, and the next request there begins anew. (A request-scoped
 * bean, looked up through its context on every use, was a twentieth of a warm {@code /run/hello}, JFR.)
 */
@ApplicationScoped
public class RequestCorrelation {

    public static final String REQUEST_ID_HEADER = "X-Request-ID";
    public static final String TRACEPARENT_HEADER = "traceparent";
    /** Carries this deployment's rehearsal secret on the warm-up's own requests over loopback. */
    public static final String REHEARSAL_HEADER = "X-Mik-Rehearsal";
    /** The request id of every warm-up rehearsal, as the log shows it. */
    public static final String REHEARSAL_REQUEST_ID = "warm-up";

    /** An incoming id is echoed only when it is short and harmless in a log line or a header. */
    private static final Pattern SANE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");

    private static final ThreadLocal<Identity> CURRENT = new ThreadLocal<>();

    /** Made at deployment and never shown: only the warm-up's own requests carry it. */
    private final byte[] rehearsalSecret = newSecret();

    /** One request's identity; a rehearsal is the warm-up's own request, counted nowhere. */
    private record Identity(String requestId, TraceContext trace, String path, boolean rehearsal) {
    }

    /** The incoming id when it is sane, else a new UUID; also for answers given before JAX-RS sees a request. */
    public static String requestIdFor(String incomingRequestId) {
        return incomingRequestId != null && SANE_REQUEST_ID.matcher(incomingRequestId).matches()
                ? incomingRequestId
                : UUID.randomUUID().toString();
    }

    /** Starts the identity of the request this thread serves now. */
    void begin(String incomingRequestId, String incomingTraceparent, String path, String incomingRehearsal) {
        CURRENT.set(new Identity(requestIdFor(incomingRequestId), TraceContext.continueOrStart(incomingTraceparent),
                path, incomingRehearsal != null && MessageDigest.isEqual(rehearsalSecret,
                        incomingRehearsal.getBytes(StandardCharsets.US_ASCII))));
    }

    /** Ends the identity this thread holds, when its request is done (a pooled thread must not keep mik's classes). */
    public static void forgetThisThread() {
        CURRENT.remove();
    }

    /** The secret the warm-up's own requests carry in {@value #REHEARSAL_HEADER}. */
    public String rehearsalSecret() {
        return new String(rehearsalSecret, StandardCharsets.US_ASCII);
    }

    /** Whether this request is the warm-up's own (it carried the deployment's rehearsal secret). */
    public boolean rehearsal() {
        return current().rehearsal();
    }

    public String requestId() {
        return current().requestId();
    }

    public TraceContext trace() {
        return current().trace();
    }

    /** The request path, the {@code instance} of a problem body. */
    public String path() {
        return current().path();
    }

    /** Outside a request (a rehearsal on a background thread) an identity is made up, once per thread. */
    private static Identity current() {
        Identity identity = CURRENT.get();
        if (identity == null) {
            identity = new Identity(requestIdFor(null), TraceContext.continueOrStart(null), "", false);
            CURRENT.set(identity);
        }
        return identity;
    }

    private static byte[] newSecret() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII);
    }
}

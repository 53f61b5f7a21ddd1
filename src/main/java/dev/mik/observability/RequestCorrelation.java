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
    private record Identity(String requestId, TraceContext trace, String path, boolean rehearsal, Exchange exchange) {
    }

    /** The incoming id when it is sane, else a new UUID; also for answers given before JAX-RS sees a request. */
    public static String requestIdFor(String incomingRequestId) {
        return incomingRequestId != null && SANE_REQUEST_ID.matcher(incomingRequestId).matches()
                ? incomingRequestId
                : UUID.randomUUID().toString();
    }

    /**
     * Starts the identity of the request this thread serves now. A {@code /run} or {@code /script} request that is not
     * a rehearsal also gets its span and an access-log line ({@link #respond}, {@link #finish}).
     *
     * @param appPath the path relative to the application, e.g. {@code run/hello}
     * @param bytesIn the declared body length, -1 when none was declared
     */
    void begin(String incomingRequestId, String incomingTraceparent, String path, String incomingRehearsal,
               String method, String appPath, long bytesIn) {
        boolean rehearsal = incomingRehearsal != null && MessageDigest.isEqual(rehearsalSecret,
                incomingRehearsal.getBytes(StandardCharsets.US_ASCII));
        RequestRoute route = rehearsal ? null : RequestRoute.of(appPath);
        String requestId = requestIdFor(incomingRequestId);
        if (route == null) {
            TraceContext trace = rehearsal ? TraceContext.unrecorded()
                    : TraceContext.continueOrStart(incomingTraceparent);
            CURRENT.set(new Identity(requestId, trace, path, rehearsal, null));
            return;
        }
        Span span = Tracing.spans().request(route.spanName(method), incomingTraceparent)
                .attribute(route.attribute(), route.name()).attribute("http.request.method", method);
        CURRENT.set(new Identity(requestId, span.context(), path, false, new Exchange(method, route, bytesIn, span)));
    }

    /** This request's response status, before its body is written; answers whether its access line is still due. */
    boolean respond(int status) {
        Exchange exchange = current().exchange();
        if (exchange != null) {
            exchange.respond(status);
        }
        return exchange != null;
    }

    /** Whether this request's access line waits for its response body to be written and counted. */
    boolean awaitsBody() {
        Exchange exchange = current().exchange();
        return exchange != null && !exchange.finished();
    }

    /** Ends this request's span and logs its access line, once its response body's length is known. */
    void finish(long bytesOut) {
        Identity identity = current();
        if (identity.exchange() != null) {
            identity.exchange().finish(bytesOut, identity.requestId());
        }
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
            identity = new Identity(requestIdFor(null), TraceContext.continueOrStart(null), "", false, null);
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

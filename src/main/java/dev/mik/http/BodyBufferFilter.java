package dev.mik.http;

import dev.mik.config.MikConfig;
import dev.mik.lifecycle.MikScheduler;
import dev.mik.memory.MemoryBudget;
import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Reads the body of every request before JAX-RS sees it, with the servlet container's non-blocking reads
 * ({@link BodyReader}), so a slow or stalled client holds no request thread and is cut off after
 * {@code mik.request.read-timeout-ms} with 408. A blocking read would hold its thread until the container's own idle
 * timeout (60 s on Payara, ending in an IOException). A declared length over {@code mik.request.max-bytes} is answered
 * 413 here before a byte is read; requests without a body and containers that cannot go asynchronous pass straight
 * through. A body that came with its headers (most do) is answered on the request's own thread; the rest of a later
 * one is read asynchronously and answered on a second dispatch ({@link BodyReader}).
 *
 * <p>Every request's body, not only those the container maps under {@code /run} and {@code /script}: the container
 * resolves {@code %2E%2E} segments that JAX-RS keeps, so {@code /run/echo/%2E%2E/%2E%2E} is {@code /} to the container
 * and the module {@code echo} to JAX-RS, and its body, left to the resource, blocked a request thread on a stalled
 * client until the container's idle timeout (NormalisedPathBodyIT). No other resource takes a body.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true,
        dispatcherTypes = {DispatcherType.REQUEST, DispatcherType.ASYNC})
public class BodyBufferFilter extends HttpFilter {

    /** Where the finished {@link BodyReader} waits for the request's second dispatch. */
    static final String BODY_ATTRIBUTE = BodyBufferFilter.class.getName() + ".body";

    @Inject
    MikConfig config;

    @Inject
    MemoryBudget memory;

    /**
     * One controller per dispatch: a controller remembers whether it activated the context, so one shared by the
     * filter's concurrent requests let a request run without one (a few POSTs in 10,000 answered 500 under wrk).
     */
    @Inject
    Instance<RequestContextController> requestContexts;

    /**
     * Where slow bodies' reads start and their deadlines are kept ({@link MikScheduler}: nothing of it outlives mik).
     */
    @Inject
    MikScheduler scheduling;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            BodyReader body = (BodyReader) request.getAttribute(BODY_ATTRIBUTE);
            if (body != null && body.failure() != null) {
                request.removeAttribute(BODY_ATTRIBUTE);
                body.failure().send(request, response);
                return;
            }
            if (body != null) {
                request.removeAttribute(BODY_ATTRIBUTE);
                // Payara's Weld does not start a request context for an async dispatch (WildFly's does)
                RequestContextController requestContext = requestContexts.get();
                boolean activated = requestContext.activate();
                try {
                    pass(chain, body.request(request), response);
                } finally {
                    if (activated) {
                        requestContext.deactivate();
                    }
                    requestContexts.destroy(requestContext);
                    body.release();
                }
                return;
            }
        }
        long declared = request.getContentLengthLong();
        long maxBytes = config.requestMaxBytes();
        boolean hasBody = declared > 0 || declared < 0 && request.getHeader("Transfer-Encoding") != null;
        if (request.getDispatcherType() != DispatcherType.REQUEST || !hasBody) {
            pass(chain, request, response);
            return;
        }
        if (declared > maxBytes) {
            // refused unread, closing the connection: passed on to JAX-RS, the 413 kept the connection open and WildFly
            // drained the unsent body with a blocking read (40 stalled clients took every worker thread for 30 s)
            BodyReader.tooLarge(maxBytes).send(request, response);
            return;
        }
        if (!request.isAsyncSupported()) {
            pass(chain, request, response);
            return;
        }
        BodyReader reader = new BodyReader(request.getInputStream(), declared, maxBytes,
                memory.pool().tryReserve(0), scheduling.executor());
        if (reader.readAvailable()) {
            // the whole body came with the headers (most do), or was already too much: answered on this thread
            if (reader.failure() != null) {
                reader.failure().send(request, response);
                return;
            }
            try {
                pass(chain, reader.request(request), response);
            } finally {
                reader.release();
            }
            return;
        }
        AsyncContext async = request.startAsync(request, response);
        // the read deadline is the reader's own: the container's async timeout would also run during the dispatch
        async.setTimeout(0);
        reader.continueAsync(async, config.requestReadTimeoutMs());
    }

    /** Passes {@code request} on as this thread's {@link Dispatch} for as long as JAX-RS serves it. */
    private static void pass(FilterChain chain, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        Dispatch outer = Dispatch.begin(request);
        try {
            chain.doFilter(request, response);
        } finally {
            Dispatch.end(outer);
        }
    }
}

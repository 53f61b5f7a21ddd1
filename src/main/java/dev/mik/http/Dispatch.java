package dev.mik.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.UriInfo;

/**
 * The request a {@code /run} or {@code /script} resource serves on this thread: the servlet request as
 * {@link BodyBufferFilter} passes it on (its body already read) and the runtime's {@link UriInfo} for it, noted by
 * {@link DispatchFilter} before matching. A resource reads them here rather than as {@code @Context} parameters, which
 * the runtime resolves through its injection manager on every request (a twenty-fifth of a warm {@code /run/hello}'s
 * CPU, JFR). The servlet filter, mapped to every request, encloses the whole JAX-RS dispatch and forgets both when it
 * ends, so a pooled thread keeps nothing.
 */
public final class Dispatch {

    private static final ThreadLocal<Dispatch> CURRENT = new ThreadLocal<>();

    private final HttpServletRequest servlet;
    private UriInfo uri;

    private Dispatch(HttpServletRequest servlet) {
        this.servlet = servlet;
    }

    /** Starts the dispatch of {@code servlet} on this thread; give what this returns to {@link #end}. */
    static Dispatch begin(HttpServletRequest servlet) {
        Dispatch outer = CURRENT.get();
        CURRENT.set(new Dispatch(servlet));
        return outer;
    }

    /** Ends this thread's dispatch, going back to {@code outer} (null: none). */
    static void end(Dispatch outer) {
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }

    /** Notes the runtime's view of the request this thread dispatches, when a servlet filter began its dispatch. */
    static void matching(UriInfo uri) {
        Dispatch current = CURRENT.get();
        if (current != null) {
            current.uri = uri;
        }
    }

    /** This thread's dispatch when both halves are known, else null. */
    static Dispatch current() {
        Dispatch current = CURRENT.get();
        return current != null && current.uri != null ? current : null;
    }

    HttpServletRequest servlet() {
        return servlet;
    }

    UriInfo uri() {
        return uri;
    }
}

package dev.mik.http;

import dev.mik.memory.MemoryPool;
import dev.mik.problem.ProblemType;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * Reads one request body without blocking a thread: the container calls {@link #onDataAvailable()} when bytes have
 * arrived, and no thread waits in between, so a client that sends slowly costs a connection, not a request thread.
 * The body is held in memory reserved from the {@link MemoryPool}; when it is complete the request is dispatched
 * again ({@link BodyBufferFilter}) with the bytes in place. It ends exactly once, in one of: complete; 413 past the
 * size limit; 408 when the read deadline passes; 400 when the client ends the body early; 503 when the memory pool
 * cannot hold it.
 */
final class BodyReader implements ReadListener {

    /** Bytes reserved from the pool at a time, so a streaming body does not contend on the pool for every packet. */
    static final int RESERVE_STEP = 64 * 1024;
    private static final int CHUNK = 16 * 1024;
    private static final int FIRST_CAPACITY = 16 * 1024;

    private final AsyncContext async;
    private final ServletInputStream in;
    private final long declaredLength;
    private final long maxBytes;
    private final MemoryPool.Reservation reservation;
    private final byte[] chunk = new byte[CHUNK];
    private byte[] body;
    private int length;
    private boolean ended;
    private ScheduledFuture<?> deadline;
    private Failure failure;

    BodyReader(AsyncContext async, ServletInputStream in, long declaredLength, long maxBytes,
            MemoryPool.Reservation reservation) {
        this.async = async;
        this.in = in;
        this.declaredLength = declaredLength;
        this.maxBytes = maxBytes;
        this.reservation = reservation;
        // grown as bytes arrive, never ahead of them: a declared length is only a claim
        this.body = new byte[(int) Math.min(declaredLength >= 0 ? declaredLength : FIRST_CAPACITY, FIRST_CAPACITY)];
    }

    synchronized void deadline(ScheduledFuture<?> timer) {
        if (ended) {
            timer.cancel(false);
        }
        this.deadline = timer;
    }

    @Override
    public synchronized void onDataAvailable() throws IOException {
        while (!ended && in.isReady()) {
            int read = in.read(chunk);
            if (read == -1) {
                return;
            }
            if (length + (long) read > maxBytes) {
                fail(ProblemType.REQUEST_TOO_LARGE, "The request body is larger than the limit of " + maxBytes
                        + " bytes (mik.request.max-bytes).", Map.of("maxBytes", maxBytes), null);
                return;
            }
            if (length + read > body.length) {
                long ceiling = declaredLength > length + read ? Math.min(declaredLength, maxBytes) : maxBytes;
                int capacity = (int) Math.min(ceiling, Math.max(length + (long) read, 2L * body.length));
                if (!hold(capacity)) {
                    fail(ProblemType.OVERLOADED, "The server's memory pool cannot hold this request body now.",
                            Map.of("reason", "memory"), 1);
                    return;
                }
                body = Arrays.copyOf(body, capacity);
            }
            System.arraycopy(chunk, 0, body, length, read);
            length += read;
        }
    }

    @Override
    public synchronized void onAllDataRead() {
        if (ended) {
            return;
        }
        if (declaredLength >= 0 && length < declaredLength) {
            shortBody();
            return;
        }
        end();
        async.getRequest().setAttribute(BodyBufferFilter.BODY_ATTRIBUTE, this);
        async.dispatch();
    }

    @Override
    public synchronized void onError(Throwable failure) {
        if (!ended) {
            // the connection broke or was closed before the body was complete
            shortBody();
        }
    }

    /**
     * The read deadline passed: answers on one of the container's threads, because the shared scheduler that noticed
     * (it also runs the script watchdog) must not write hundreds of responses in a row.
     */
    void expireOnContainerThread(long timeoutMs) {
        try {
            async.start(() -> expire(timeoutMs));
        } catch (IllegalStateException alreadyComplete) {
            // the body arrived, or the request failed, in the meantime
        }
    }

    private synchronized void expire(long timeoutMs) {
        if (!ended) {
            fail(ProblemType.REQUEST_TIMEOUT, "The request body did not arrive within " + timeoutMs
                    + " ms (mik.request.read-timeout-ms).", Map.of("timeoutMs", timeoutMs), null);
        }
    }

    /** The body as the resource will read it. */
    synchronized BufferedRequest request(HttpServletRequest original) {
        return new BufferedRequest(original, body, length);
    }

    void release() {
        reservation.close();
    }

    private void shortBody() {
        fail(ProblemType.BAD_REQUEST, declaredLength >= 0
                ? "The request body ended after " + length + " of the " + declaredLength + " bytes its Content-Length "
                        + "announced."
                : "The request body ended before its last chunk.", Map.of(), null);
    }

    private boolean hold(long bytes) {
        long held = reservation.held();
        return bytes <= held || reservation.grow(Math.max(bytes - held, RESERVE_STEP));
    }

    /**
     * Ends the read with a problem, answered on a new dispatch ({@link BodyBufferFilter}) rather than by completing
     * the async context here: Undertow's complete drains the unread body with a blocking read, which holds a worker
     * thread until the stalled client's connection times out (measured: 32 of 120 stalled bodies took every WildFly
     * worker thread for 90 s). A dispatch ends the exchange the container's usual way.
     */
    private void fail(ProblemType type, String detail, Map<String, Object> extensions, Integer retryAfter) {
        end();
        body = new byte[0];
        release();
        failure = new Failure(type, detail, extensions, retryAfter);
        try {
            async.getRequest().setAttribute(BodyBufferFilter.BODY_ATTRIBUTE, this);
            async.dispatch();
        } catch (IllegalStateException connectionGone) {
            // the container has already ended the request (the client went away): nothing to answer
        }
    }

    /** The problem the read ended with, or null when the body is complete. */
    synchronized Failure failure() {
        return failure;
    }

    /** Why a body read ended without a body: sent by the filter on the request's second dispatch. */
    record Failure(ProblemType type, String detail, Map<String, Object> extensions, Integer retryAfter) {

        void send(HttpServletRequest request, HttpServletResponse response) {
            EarlyProblem.send(request, response, type, detail, extensions, retryAfter);
        }
    }

    private void end() {
        ended = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
    }
}

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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads one request body without holding a thread while the client is slow. The body is held in memory reserved
 * from the {@link MemoryPool}, and the read ends exactly once, in one of: complete; 413 past the size limit; 408 when
 * the read deadline passes; 400 when the client ends the body early; 503 when the memory pool cannot hold it.
 *
 * <p>It reads in two phases. First, on the request's own thread, it takes what the container already holds
 * ({@link #readAvailable()}: reads that cannot block); most bodies arrive with their headers and end there, and the
 * request is answered on that thread, never going asynchronous. Otherwise the request goes asynchronous and the rest
 * is read by the container's non-blocking reads ({@link #continueAsync}), and answered on a second dispatch
 * ({@link BodyBufferFilter}). Both the listener registration and that dispatch happen on the filter's scheduler, and
 * not before {@link #HANDOVER_NANOS} after the request thread handed over. Two Payara defects are behind that, both
 * found by a keep-alive POST test and wrk: a read listener registered while the request thread is still in the
 * service sometimes never hears of the rest of the body (a 408 for a body sent in two parts), and a dispatch made
 * from one of Payara's pool threads during the service sometimes runs twice (a 500 answered out of turn on a
 * keep-alive connection, 3 POSTs in 10,000).
 */
final class BodyReader implements ReadListener {

    /** Bytes reserved from the pool at a time, so a streaming body does not contend on the pool for every packet. */
    static final int RESERVE_STEP = 64 * 1024;
    /** How long after the request thread handed over the reader waits before it touches the async context. */
    static final long HANDOVER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final int FIRST_CAPACITY = 16 * 1024;
    /** The largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final ServletInputStream in;
    private final long declaredLength;
    private final long maxBytes;
    private final MemoryPool.Reservation reservation;
    private final ScheduledExecutorService scheduler;
    /** Grown as bytes arrive, never ahead of them, and always reserved from the pool before it is allocated. */
    private byte[] body = new byte[0];
    private int length;
    private boolean ended;
    private Failure failure;
    /** Null while the request thread reads; set once the request went asynchronous. */
    private AsyncContext async;
    private long handedOverAt;
    private long timeoutMs;
    private ScheduledFuture<?> deadline;

    BodyReader(ServletInputStream in, long declaredLength, long maxBytes, MemoryPool.Reservation reservation,
            ScheduledExecutorService scheduler) {
        this.in = in;
        this.declaredLength = declaredLength;
        // one array holds the body: a limit configured past that is the array's
        this.maxBytes = Math.min(maxBytes, MAX_ARRAY - 1);
        this.reservation = reservation;
        this.scheduler = scheduler;
    }

    /**
     * On the request's thread: takes the bytes the container already holds, with reads that cannot block. True when
     * the read has ended (body complete, or a failure to answer), false when more is to come.
     */
    synchronized boolean readAvailable() {
        try {
            while (!ended && !complete() && in.available() > 0) {
                take();
            }
            if (!ended && complete()) {
                end();
            }
        } catch (IOException brokenOff) {
            // Undertow: the client closed its side before the body was complete
            shortBody();
        }
        return ended;
    }

    /**
     * Reads the rest without blocking: registers this listener and starts the read deadline, both from the scheduler
     * once the request thread has left the service (see the class comment).
     */
    synchronized void continueAsync(AsyncContext context, long timeoutMs) {
        this.async = context;
        this.handedOverAt = System.nanoTime();
        this.timeoutMs = timeoutMs;
        deadline = scheduler.schedule(this::expire, timeoutMs, TimeUnit.MILLISECONDS);
        scheduler.schedule(this::listen, HANDOVER_NANOS, TimeUnit.NANOSECONDS);
    }

    private void listen() {
        try {
            in.setReadListener(this);
        } catch (IllegalStateException connectionGone) {
            // the container has already ended the request (the client went away, or the deadline answered)
        }
    }

    @Override
    public synchronized void onDataAvailable() throws IOException {
        while (!ended) {
            if (complete()) {
                onAllDataRead();
                return;
            }
            if (!in.isReady()) {
                return;
            }
            take();
        }
    }

    @Override
    public synchronized void onAllDataRead() throws IOException {
        // Grizzly calls this when the whole body has been received, perhaps with some of it still unread
        while (!ended && !complete() && in.available() > 0) {
            take();
        }
        if (ended) {
            return;
        }
        if (declaredLength >= 0 && length < declaredLength) {
            shortBody();
            return;
        }
        end();
        answer();
    }

    @Override
    public synchronized void onError(Throwable failure) {
        if (!ended) {
            // the connection broke or was closed before the body was complete
            shortBody();
        }
    }

    /** The body as the resource will read it. */
    synchronized BufferedRequest request(HttpServletRequest original) {
        return new BufferedRequest(original, body, length);
    }

    void release() {
        reservation.close();
    }

    /** The problem the read ended with, or null when the body is complete. */
    synchronized Failure failure() {
        return failure;
    }

    /**
     * Whether the whole body is in: its declared length, or (chunked) received and read to its end. Asked before
     * {@code isReady()}: on Payara an {@code isReady()} at the end of the body queues {@code onAllDataRead} to one of
     * its pool threads, to run after the request is answered. Grizzly's {@code isFinished()} means "all received",
     * not "all read", hence the {@code available()}.
     */
    private boolean complete() throws IOException {
        return declaredLength >= 0 ? length >= declaredLength : in.isFinished() && in.available() == 0;
    }

    /**
     * Reads what the container has (it said so) straight into the body, or ends the read: at its end, too large, no
     * memory. Called only while the body is not complete.
     */
    private void take() throws IOException {
        if (length == body.length && !grow()) {
            return;
        }
        int read = in.read(body, length, body.length - length);
        if (read == -1) {
            onAllDataRead();
            return;
        }
        length += read;
        if (length > maxBytes) {
            failWith(tooLarge(maxBytes));
        }
    }

    /**
     * Makes room for more, doubling from {@link #FIRST_CAPACITY} up to the declared length or, for a chunked body, to
     * one byte past the limit (that byte is how a body too large is seen); reserved before it is allocated, so a crowd
     * of half-sent bodies is counted in the pool. False when the read ended instead.
     */
    private boolean grow() {
        long ceiling = Math.min(declaredLength >= 0 ? declaredLength : Long.MAX_VALUE, maxBytes + 1);
        int capacity = (int) Math.min(ceiling, Math.max(FIRST_CAPACITY, 2L * body.length));
        if (!hold(capacity, ceiling)) {
            fail(ProblemType.OVERLOADED, "The server's memory pool cannot hold this request body now.",
                    Map.of("reason", "memory"), 1);
            return false;
        }
        body = Arrays.copyOf(body, capacity);
        return true;
    }

    /** The read deadline passed: the 408 itself is written on the dispatch, not on the scheduler's thread. */
    private synchronized void expire() {
        if (!ended) {
            fail(ProblemType.REQUEST_TIMEOUT, "The request body did not arrive within " + timeoutMs
                    + " ms (mik.request.read-timeout-ms).", Map.of("timeoutMs", timeoutMs), null);
        }
    }

    private void shortBody() {
        fail(ProblemType.BAD_REQUEST, declaredLength >= 0
                ? "The request body ended after " + length + " of the " + declaredLength + " bytes its Content-Length "
                        + "announced."
                : "The request body ended before its last chunk.", Map.of(), null);
    }

    /** Reserves {@code bytes}, a step ahead so a streaming body seldom asks the pool, but never past the ceiling. */
    private boolean hold(long bytes, long ceiling) {
        long held = reservation.held();
        return bytes <= held || reservation.grow(Math.min(Math.max(bytes - held, RESERVE_STEP), ceiling - held));
    }

    /**
     * Ends the read with a problem. On the request thread the filter answers it; later it is answered on a new
     * dispatch, never by completing the async context here: Undertow's complete drains the unread body with a
     * blocking read, which holds a worker thread until the stalled client's connection times out (measured: 32 of
     * 120 stalled bodies took every WildFly worker thread for 90 s). A dispatch ends the exchange the container's
     * usual way.
     */
    private void fail(ProblemType type, String detail, Map<String, Object> extensions, Integer retryAfter) {
        failWith(new Failure(type, detail, extensions, retryAfter));
    }

    private void failWith(Failure failure) {
        end();
        body = new byte[0];
        release();
        this.failure = failure;
        answer();
    }

    /** The read has ended after the request went asynchronous: a second dispatch answers (see the class comment). */
    private void answer() {
        if (async == null) {
            return;
        }
        long wait = Math.max(0, HANDOVER_NANOS - (System.nanoTime() - handedOverAt));
        scheduler.schedule(this::dispatch, wait, TimeUnit.NANOSECONDS);
    }

    private void dispatch() {
        try {
            async.getRequest().setAttribute(BodyBufferFilter.BODY_ATTRIBUTE, this);
            async.dispatch();
        } catch (IllegalStateException connectionGone) {
            // the container has already ended the request (the client went away): nothing to answer
            release();
        }
    }

    private void end() {
        ended = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    /** The answer to a body larger than {@code maxBytes}, whether declared so or seen as it streams. */
    static Failure tooLarge(long maxBytes) {
        return new Failure(ProblemType.REQUEST_TOO_LARGE, "The request body is larger than the limit of " + maxBytes
                + " bytes (mik.request.max-bytes).", Map.of("maxBytes", maxBytes), null);
    }

    /** Why a body read ended without a body: sent by the filter, on the request thread or the second dispatch. */
    record Failure(ProblemType type, String detail, Map<String, Object> extensions, Integer retryAfter) {

        void send(HttpServletRequest request, HttpServletResponse response) {
            EarlyProblem.send(request, response, type, detail, extensions, retryAfter);
        }
    }
}

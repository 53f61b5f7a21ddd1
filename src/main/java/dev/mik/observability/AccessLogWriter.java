package dev.mik.observability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Hands the access log's lines to one thread of mik's own, so a request does not wait for the server's log formatter
 * and console (a tenth of a warm {@code /run/hello}'s CPU on Payara). A line's record is made on the request's thread
 * (its time and thread id are the request's); its text is made and written on the writer's.
 *
 * <p>No line is dropped and a thread's lines keep their order: every record is published while holding
 * {@link #publishing}, and whoever publishes first writes out everything queued before it. When the queue is full or
 * the writer has stopped, the calling thread does that itself, then writes its own line.
 */
final class AccessLogWriter {

    private static final long STOP_WAIT_SECONDS = 5;
    private static final Logger LOG = Logger.getLogger(AccessLogWriter.class.getName());

    private record Pending(LogRecord record, AccessEntry entry) {
    }

    private final Logger target;
    private final int capacity;
    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition arrived = queueLock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Object publishing = new Object();
    private final Thread thread;
    private boolean open = true;

    /**
     * Starts the writer on a thread from {@code threads}; {@code capacity} lines may wait for it before callers write
     * their own.
     */
    AccessLogWriter(Logger target, int capacity, ThreadFactory threads) {
        this.target = target;
        this.capacity = capacity;
        this.thread = threads.newThread(this::writeUntilStopped);
        thread.start();
    }

    /** Writes {@code entry}'s line to the target logger at INFO, on the writer's thread when it can take it. */
    void write(AccessEntry entry) {
        Pending pending = new Pending(recordOf(target), entry);
        queueLock.lock();
        try {
            if (open && queue.size() < capacity && thread.isAlive()) {
                queue.add(pending);
                arrived.signal();
                return;
            }
        } finally {
            queueLock.unlock();
        }
        synchronized (publishing) {
            publishQueued();
            publish(pending);
        }
    }

    /** Stops the thread and writes what it left on the calling thread; later lines are written by their callers. */
    void stop() {
        queueLock.lock();
        try {
            open = false;
        } finally {
            queueLock.unlock();
        }
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(STOP_WAIT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warning("The access log's writer was still writing " + STOP_WAIT_SECONDS
                    + " s after the undeploy began; its thread ends when that is done.");
        }
        synchronized (publishing) {
            publishQueued();
        }
    }

    private void writeUntilStopped() {
        try {
            while (true) {
                queueLock.lockInterruptibly();
                try {
                    while (queue.isEmpty()) {
                        arrived.await();
                    }
                } finally {
                    queueLock.unlock();
                }
                synchronized (publishing) {
                    publishQueued();
                }
            }
        } catch (InterruptedException stopped) {
            // stop() writes what is still queued
        }
    }

    /**
     * Writes every line queued so far, in order; the caller holds {@link #publishing}. One pass, so the writer lets go
     * of the lock between passes and a caller who found the queue full is not kept waiting by later lines.
     */
    private void publishQueued() {
        List<Pending> batch;
        queueLock.lock();
        try {
            batch = new ArrayList<>(queue);
            queue.clear();
        } finally {
            queueLock.unlock();
        }
        for (Pending pending : batch) {
            try {
                publish(pending);
            } catch (RuntimeException | Error e) {
                // a failing handler (or an OutOfMemoryError formatting one line) loses this line, as it did on the
                // request's thread, and not the lines after it; the writer goes on
                reportFailure(e);
            }
        }
    }

    private static void reportFailure(Throwable failure) {
        try {
            LOG.log(Level.WARNING, "Could not write an access-log line", failure);
        } catch (RuntimeException | Error ignored) {
            // logging needs memory too; the next line is what matters
        }
    }

    private void publish(Pending pending) {
        pending.record().setMessage(AccessLog.line(pending.entry()));
        target.log(pending.record());
    }

    /**
     * The record {@code Logger.info} would make on this thread, its text left to the writer; the source is named
     * rather than found from the stack, which on the writer's thread would name the writer.
     */
    static LogRecord recordOf(Logger target) {
        LogRecord record = new LogRecord(Level.INFO, null);
        record.setLoggerName(target.getName());
        record.setSourceClassName(AccessLog.class.getName());
        record.setSourceMethodName("log");
        return record;
    }
}

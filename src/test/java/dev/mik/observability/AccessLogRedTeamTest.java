package dev.mik.observability;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fourth red team (2026-12-01), against the access log's writer thread: its queue is bounded by a count of lines
 * (4,096), not by what they hold. An entry keeps the request's method and the module or script name as the path wrote
 * it, uncapped (RequestRoute.of takes the whole first segment; WildFly's Undertow accepts 1 MiB of request head by
 * default), so while the one writer is behind the many request threads — a slow console or disk, or simply its lines
 * being long — the queue holds 4,096 such names after their requests have ended: 4 GiB of 1 MiB names, on a heap of
 * 768 MiB. Before the writer thread, a line lived only as long as its own request thread.
 */
class AccessLogRedTeamTest {

    /** What the queue may hold when full, at most: 4,096 lines of about 4 KiB. */
    private static final long QUEUE_BUDGET_CHARS = 16L << 20;
    private static final int NAME_CHARS = 64 * 1024;

    @Test
    void aFullQueueHoldsABoundedAmountOfText() throws Exception {
        Logger target = Logger.getLogger("dev.mik.access.red-team");
        target.setUseParentHandlers(false);
        CountDownLatch slowConsole = new CountDownLatch(1);
        AtomicInteger written = new AtomicInteger();
        Handler slow = new Handler() {
            @Override
            public void publish(LogRecord record) {
                try {
                    slowConsole.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                written.incrementAndGet();
            }

            @Override public void flush() { }

            @Override public void close() { }
        };
        target.addHandler(slow);
        AccessLogWriter writer = new AccessLogWriter(target, 4_096, task -> new Thread(task, "red-access-writer"));
        try {
            // the writer takes the first line and is held by the console; 4,096 more fill the queue
            writer.write(entry(0));
            Thread.sleep(200);
            for (int i = 1; i <= 4_096; i++) {
                writer.write(entry(i));
            }
            long held = queuedChars(writer);
            assertTrue(held <= QUEUE_BUDGET_CHARS, "the full queue holds " + (held >> 20) + " Mi characters of "
                    + "names after their requests ended (budget " + (QUEUE_BUDGET_CHARS >> 20) + " Mi); at WildFly's"
                    + " 1 MiB request head that is " + (4_096L * (1 << 20) >> 30) + " GiB");
        } finally {
            slowConsole.countDown();
            writer.stop();
            target.removeHandler(slow);
            target.setUseParentHandlers(true);
        }
        assertEquals(4_097, written.get());
    }

    /**
     * An Error while one line is written (an OutOfMemoryError formatting a long line on a full heap — the queue above
     * is one way to fill it) ends the writer's thread: publishQueued catches RuntimeException only and
     * writeUntilStopped InterruptedException only. The rest of its batch, already taken off the queue, is lost, and
     * later lines wait unwritten until 4,096 have piled up and a caller writes them.
     */
    @Test
    void anErrorWritingOneLineLosesNoOtherLine() throws Exception {
        Logger target = Logger.getLogger("dev.mik.access.red-team-error");
        target.setUseParentHandlers(false);
        CountDownLatch held = new CountDownLatch(1);
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler failing = new Handler() {
            @Override
            public void publish(LogRecord record) {
                try {
                    held.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (record.getMessage().contains("request_id=id3 ")) {
                    throw new OutOfMemoryError("simulated: Java heap space");
                }
                lines.add(record.getMessage());
            }

            @Override public void flush() { }

            @Override public void close() { }
        };
        target.addHandler(failing);
        AccessLogWriter writer = new AccessLogWriter(target, 4_096, task -> new Thread(task, "red-access-writer-2"));
        try {
            writer.write(small(0));
            Thread.sleep(200);
            for (int i = 1; i <= 9; i++) {
                writer.write(small(i)); // one batch of 1..9 behind the held line 0
            }
            held.countDown();
            Thread.sleep(500);
            writer.write(small(10));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (lines.size() < 10 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertEquals(10, lines.size(), "written within 3 s: " + lines.stream()
                    .map(l -> l.replaceAll(".*request_id=(id[0-9]+).*", "$1")).toList());
        } finally {
            held.countDown();
            writer.stop();
            target.removeHandler(failing);
            target.setUseParentHandlers(true);
        }
    }

    private static AccessEntry small(int i) {
        return new AccessEntry("GET", "run", "hello", 200, 1_000, 0, 100, "id" + i, "t");
    }

    /** A request's name as its path wrote it: distinct text per request, as each request brings its own. */
    private static AccessEntry entry(int i) {
        StringBuilder name = new StringBuilder(NAME_CHARS);
        name.append(i).append('-');
        while (name.length() < NAME_CHARS) {
            name.append('a');
        }
        return new AccessEntry("GET", "run", name.toString(), 400, 1_000, 0, 100, "id" + i, null);
    }

    private static long queuedChars(AccessLogWriter writer) throws ReflectiveOperationException {
        Field field = AccessLogWriter.class.getDeclaredField("queue");
        field.setAccessible(true);
        long chars = 0;
        for (Object pending : ((ArrayDeque<?>) field.get(writer)).toArray()) {
            AccessEntry entry = (AccessEntry) pending.getClass().getMethod("entry").invoke(pending);
            chars += entry.method().length() + entry.name().length();
        }
        return chars;
    }
}

package dev.mik.observability;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessLogWriterTest {

    private static final int THREADS = 8;
    private static final int LINES_PER_THREAD = 5_000;
    private static final String WRITER = "access-log-writer-test";
    private static final ThreadFactory WRITER_THREADS = task -> new Thread(task, WRITER);

    private final Logger target = Logger.getLogger("dev.mik.access.writer-test");
    private final Recorder recorder = new Recorder();

    @BeforeEach
    void capture() {
        target.setUseParentHandlers(false);
        target.addHandler(recorder);
    }

    @AfterEach
    void release() {
        target.removeHandler(recorder);
        target.setUseParentHandlers(true);
    }

    /**
     * Eight threads write 5,000 lines each through a queue of 16 (so callers often find it full and write themselves)
     * to a handler that yields now and then: every line arrives once, each thread's lines in the order it wrote them,
     * each record names the thread that wrote the line, and the writer's thread is gone once stopped.
     */
    @Test
    void aConcurrentStormLosesNoLineAndKeepsEachThreadsOrder() throws Exception {
        AccessLogWriter writer = new AccessLogWriter(target, 16, WRITER_THREADS);
        CountDownLatch start = new CountDownLatch(1);
        Map<String, Long> threadIds = new ConcurrentHashMap<>();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            String caller = "caller" + t;
            Thread thread = new Thread(() -> {
                threadIds.put(caller, Thread.currentThread().getId());
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                for (int i = 0; i < LINES_PER_THREAD; i++) {
                    writer.write(new AccessEntry("GET", "run", "hello", 200, i, 0, 13, caller + "-" + i, "t"));
                }
            });
            callers.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : callers) {
            thread.join();
        }
        writer.stop();

        assertEquals(THREADS * LINES_PER_THREAD, recorder.records.size());
        Map<String, Integer> next = new HashMap<>();
        for (LogRecord record : recorder.records) {
            String requestId = AccessLogTest.parse(record.getMessage()).get("request_id");
            String caller = requestId.substring(0, requestId.indexOf('-'));
            int sequence = Integer.parseInt(requestId.substring(requestId.indexOf('-') + 1));
            assertEquals(next.getOrDefault(caller, 0), sequence, "lines of " + caller + " out of order");
            next.put(caller, sequence + 1);
            assertEquals(threadIds.get(caller), record.getLongThreadID(), "the record names the request's thread");
            assertEquals(Level.INFO, record.getLevel());
            assertEquals(target.getName(), record.getLoggerName());
            assertEquals(AccessLog.class.getName(), record.getSourceClassName());
        }
        assertEquals(THREADS, next.size());
        assertTrue(recorder.publishers.stream().anyMatch(t -> t.getName().equals(WRITER)),
                "some lines were written by the writer");
        for (Thread publisher : recorder.publishers) {
            if (publisher.getName().equals(WRITER)) {
                publisher.join(1_000);
                assertFalse(publisher.isAlive(), "the writer's thread outlived stop()");
            }
        }
    }

    /** Lines still queued at stop are written by stop; a line written afterwards is written by its own caller. */
    @Test
    void stopWritesWhatIsQueuedAndLaterLinesAreWrittenByTheirCallers() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        recorder.firstPublish = () -> {
            blocked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        AccessLogWriter writer = new AccessLogWriter(target, 100, WRITER_THREADS);
        for (int i = 0; i < 50; i++) {
            writer.write(new AccessEntry("GET", "run", "hello", 200, i, 0, 13, "r-" + i, "t"));
        }
        blocked.await();
        Thread stopper = new Thread(writer::stop);
        stopper.start();
        release.countDown();
        stopper.join();
        assertEquals(50, recorder.records.size());

        writer.write(new AccessEntry("GET", "run", "hello", 200, 0, 0, 13, "after", "t"));
        assertEquals(51, recorder.records.size(), "written before write() returned");
        assertEquals(Thread.currentThread(), recorder.publishers.get(recorder.publishers.size() - 1));
    }

    private static final class Recorder extends Handler {

        final List<LogRecord> records = new CopyOnWriteArrayList<>();
        final List<Thread> publishers = new CopyOnWriteArrayList<>();
        private final Set<Thread> seen = ConcurrentHashMap.newKeySet();
        volatile Runnable firstPublish;

        @Override
        public void publish(LogRecord record) {
            Runnable first = firstPublish;
            if (first != null) {
                firstPublish = null;
                first.run();
            }
            records.add(record);
            publishers.add(Thread.currentThread());
            if (seen.add(Thread.currentThread()) || records.size() % 97 == 0) {
                Thread.yield();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}

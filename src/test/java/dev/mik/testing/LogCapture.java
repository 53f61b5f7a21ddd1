package dev.mik.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Records what one logger logs while open, for tests that assert on log lines; close it to detach. */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final boolean toParent;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture(Logger logger, boolean silence) {
        this.logger = logger;
        this.toParent = logger.getUseParentHandlers();
        logger.addHandler(this);
        if (silence) {
            logger.setUseParentHandlers(false);
        }
    }

    /** Captures {@code source}'s logger; its lines still reach the console too. */
    public static LogCapture of(Class<?> source) {
        return new LogCapture(Logger.getLogger(source.getName()), false);
    }

    /** Captures the logger named {@code name} (e.g. the access log's). */
    public static LogCapture of(String name) {
        return new LogCapture(Logger.getLogger(name), false);
    }

    /** Captures {@code source}'s logger and keeps its lines off the console meanwhile. */
    public static LogCapture silencing(Class<?> source) {
        return new LogCapture(Logger.getLogger(source.getName()), true);
    }

    public List<LogRecord> records() {
        return records;
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setUseParentHandlers(toParent);
    }
}

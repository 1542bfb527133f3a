package goflow.redis.streams;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What a class's java.util.logging logger logs between {@link #start()} and {@link #stop()}, as
 * {@code "LEVEL message"} lines (the message unformatted). Thread-safe: the consumer's threads log.
 */
final class LogCapture extends Handler {
    /** Held strongly: java.util.logging keeps loggers only weakly. */
    private final Logger logger;
    /** The lines logged since the last {@link #start()}. */
    final List<String> lines = new CopyOnWriteArrayList<>();

    LogCapture(Class<?> source) {
        this.logger = Logger.getLogger(source.getName());
    }

    /** Forgets the lines captured before and captures from now on. */
    void start() {
        lines.clear();
        logger.addHandler(this);
    }

    /** Stops capturing (the lines stay). */
    void stop() {
        logger.removeHandler(this);
    }

    @Override
    public void publish(LogRecord r) {
        lines.add(r.getLevel() + " " + r.getMessage());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}

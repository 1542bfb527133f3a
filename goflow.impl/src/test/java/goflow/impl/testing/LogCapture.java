package goflow.impl.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Captures what one logger (through {@code System.Logger}, backed by java.util.logging in tests)
 * logs during each test, as {@code "<LEVEL> <message>"} lines, and keeps it off the console.
 * Register with {@code @RegisterExtension}. Thread-safe: the lines are a concurrent list.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {
    /** Held strongly: java.util.logging keeps loggers only weakly. */
    private final Logger logger;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            lines.add(r.getLevel() + " " + r.getMessage());
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /**
     * Captures the logger {@code name}.
     *
     * @param name the logger's name, usually the class that logs
     */
    public LogCapture(String name) {
        this.logger = Logger.getLogger(name);
    }

    /** Returns the lines captured so far (a live list). */
    public List<String> lines() {
        return lines;
    }

    /** Returns the records captured so far, with their exceptions (a live list). */
    public List<LogRecord> records() {
        return records;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        logger.removeHandler(handler);
        logger.setUseParentHandlers(true);
    }
}

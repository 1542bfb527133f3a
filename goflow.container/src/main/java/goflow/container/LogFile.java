package goflow.container;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sends the container's log to a file instead of the console, so that the console is the user's:
 * no INFO lines before the prompt, no stack traces after {@code stop 0}.
 *
 * <p>Everything logged through {@code System.Logger} (goflow) and {@code java.util.logging} (JLine,
 * for example) ends up at the root {@code java.util.logging} logger when no other
 * {@code System.LoggerFinder} is installed, which is the case in the container. {@link #install}
 * replaces the root logger's console handlers with one file handler (appending, one line per
 * record plus the stack trace, if any) and sets the root level; {@link #close} puts the console
 * handlers and the level back. Property {@value #FILE} names the file (default
 * {@value #DEFAULT_FILE}, relative to the working directory; empty: leave logging alone), property
 * {@value #LEVEL} the level (a {@link Level} name, default {@code INFO}). The file's size is
 * bounded ({@link RotatingFileHandler}): before it would exceed {@value #MAX_BYTES} bytes (default
 * {@value #DEFAULT_MAX_BYTES}) it becomes {@code <file>.1}, older ones shift up to
 * {@code <file>.<n>} with n = {@value #FILES} (default {@value #DEFAULT_FILES}), and a new file
 * starts at the same path.
 *
 * <p>Not thread-safe; installed and closed by the activator.
 */
final class LogFile {
    /** The framework property naming the log file. */
    static final String FILE = "goflow.log.file";
    /** The framework property naming the root log level. */
    static final String LEVEL = "goflow.log.level";
    static final String DEFAULT_FILE = "log/goflow.log";
    /** The framework property bounding the file's size, in bytes. */
    static final String MAX_BYTES = "goflow.log.maxBytes";
    static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
    /** The framework property naming how many old files ({@code <file>.1} ...) are kept. */
    static final String FILES = "goflow.log.files";
    static final int DEFAULT_FILES = 5;

    private final Logger root;
    private final RotatingFileHandler handler;
    private final List<Handler> removed;
    private final Level previousLevel;

    private LogFile(Logger root, RotatingFileHandler handler, List<Handler> removed, Level previousLevel) {
        this.root = root;
        this.handler = handler;
        this.removed = removed;
        this.previousLevel = previousLevel;
    }

    /**
     * Sends the root logger's records to the file.
     *
     * @param file the value of {@value #FILE}, or null for the default
     * @param level the value of {@value #LEVEL}, or null for INFO
     * @param maxBytes the value of {@value #MAX_BYTES}, or null for {@value #DEFAULT_MAX_BYTES}
     * @param files the value of {@value #FILES}, or null for {@value #DEFAULT_FILES}
     * @return the installed log file, or null when {@code file} is empty (logging left alone)
     * @throws IOException if the file or its folder cannot be created (the message names the property and value)
     * @throws IllegalArgumentException if {@code level} is not a level name, or {@code maxBytes} or
     *         {@code files} not a whole number of at least 1 (the message names the property, the
     *         value and the rule)
     */
    static LogFile install(String file, String level, String maxBytes, String files) throws IOException {
        if (file != null && file.isBlank()) {
            return null;
        }
        Level parsed = parseLevel(level);
        long max = parseMaxBytes(maxBytes);
        int count = parseFiles(files);
        String name = file == null ? DEFAULT_FILE : file.strip();
        RotatingFileHandler handler;
        try {
            Path path = Path.of(name).toAbsolutePath();
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            handler = new RotatingFileHandler(path, max, count, System.err);
        } catch (IOException | RuntimeException e) {
            throw new IOException("goflow.container: property " + FILE + " = '" + name
                    + "' must name a file that can be created and appended to: " + e, e);
        }
        handler.setFormatter(new LineFormat());
        handler.setLevel(Level.ALL);
        handler.setEncoding("UTF-8");
        Logger root = Logger.getLogger("");
        List<Handler> removed = new ArrayList<>();
        for (Handler h : root.getHandlers()) {
            if (h instanceof ConsoleHandler) {
                root.removeHandler(h);
                removed.add(h);
            }
        }
        Level previous = root.getLevel();
        root.addHandler(handler);
        root.setLevel(parsed);
        return new LogFile(root, handler, removed, previous);
    }

    private static Level parseLevel(String level) {
        if (level == null || level.isBlank()) {
            return Level.INFO;
        }
        try {
            return Level.parse(level.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("goflow.container: property " + LEVEL + " = '" + level
                    + "' must be a java.util.logging level (SEVERE, WARNING, INFO, CONFIG, FINE, FINER, FINEST, ALL or OFF)", e);
        }
    }

    /**
     * Reads {@value #MAX_BYTES}.
     *
     * @param value the property's value, or null or blank for the default
     * @return the largest size of the log file, in bytes
     * @throws IllegalArgumentException if it is not a whole number of at least 1 (naming the property, value and rule)
     */
    static long parseMaxBytes(String value) {
        long parsed = parseWhole(value, DEFAULT_MAX_BYTES);
        if (parsed < 1) {
            throw new IllegalArgumentException("goflow.container: property " + MAX_BYTES + " = '" + value
                    + "' must be a whole number of bytes, at least 1 (default " + DEFAULT_MAX_BYTES + ")");
        }
        return parsed;
    }

    /**
     * Reads {@value #FILES}.
     *
     * @param value the property's value, or null or blank for the default
     * @return how many old log files to keep
     * @throws IllegalArgumentException if it is not a whole number from 1 to {@link Integer#MAX_VALUE}
     *         (naming the property, value and rule)
     */
    static int parseFiles(String value) {
        long parsed = parseWhole(value, DEFAULT_FILES);
        if (parsed < 1 || parsed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("goflow.container: property " + FILES + " = '" + value
                    + "' must be a whole number of old files to keep, from 1 to " + Integer.MAX_VALUE
                    + " (default " + DEFAULT_FILES + ")");
        }
        return (int) parsed;
    }

    /** The whole number in {@code value}, {@code defaultValue} when it is null or blank, or 0 when it is not a whole number. */
    private static long parseWhole(String value, long defaultValue) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return 0; // refused by the caller with its own rule
        }
    }

    /** Puts the console handlers and the level back and closes the file. */
    void close() {
        root.removeHandler(handler);
        removed.forEach(root::addHandler);
        root.setLevel(previousLevel);
        handler.close();
    }

    /**
     * One line per record: time, level, logger, message; then the stack trace, if any.
     *
     * <p>Thread-safe: stateless apart from the immutable time format.
     */
    static final class LineFormat extends Formatter {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
                .withZone(ZoneId.systemDefault());

        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder(128)
                    .append(TIME.format(Instant.ofEpochMilli(record.getMillis()))).append(' ')
                    .append(record.getLevel().getName()).append(' ')
                    .append(record.getLoggerName()).append(" - ")
                    .append(formatMessage(record)).append(System.lineSeparator());
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                try (PrintWriter out = new PrintWriter(trace)) {
                    record.getThrown().printStackTrace(out);
                }
                line.append(trace);
            }
            return line.toString();
        }
    }
}

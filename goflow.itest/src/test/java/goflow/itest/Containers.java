package goflow.itest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the container-process tests share: where the container jar is, the command that starts it
 * on the JVM running the tests (so a test run on JDK 25 starts the container on JDK 25), and what
 * the console must never show.
 */
final class Containers {
    static final Path JAR = Path.of(System.getProperty("goflow.container.jar", "../goflow.dist/target/goflow.jar"));
    static final Path PLUGINS = Path.of(System.getProperty("goflow.container.plugins", "../goflow.dist/target/plugins"));
    /** The longest wait for one step of a test (a command's output, the container's exit). */
    static final long TIMEOUT_SECONDS = 60;
    /**
     * A log record: java.util.logging's console format (a line with the date, the logger and the
     * method, then {@code LEVEL: message}), any {@code INFO:} line, or the container's log file
     * format. Not the JVM's own {@code WARNING:} lines on JDK 24+ (Felix uses sun.misc.Unsafe),
     * which no logger writes and no setting inside the jar can silence.
     */
    static final Pattern LOG_LINE = Pattern.compile("(?m)^[A-Z][a-z]{2} \\d{1,2}, \\d{4} \\d{1,2}:\\d\\d:\\d\\d [AP]M \\S+( \\S+)?\\R"
            + "[A-Z]+: |^(INFO|CONFIG|FINE|FINER|FINEST): |\\b(INFO|SEVERE|WARNING) goflow\\.");
    /** A line of a stack trace, or an exception's name at the start of a line. */
    static final Pattern STACK_TRACE = Pattern.compile("(?m)^\\s+at [\\w$.]+\\(|^[\\w$.]+(Exception|Error)\\b");

    private Containers() {
    }

    /**
     * The command line that starts the container jar.
     *
     * @param jvmArgs options for the container's JVM
     * @return java, the options, -jar and the jar
     */
    static List<String> command(List<String> jvmArgs) {
        assertTrue(Files.isRegularFile(JAR), "build goflow.dist first: missing " + JAR.toAbsolutePath());
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(JAR.toAbsolutePath().toString());
        return cmd;
    }

    /** Ends a process and everything it started (the container under {@code script}). */
    static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }
}

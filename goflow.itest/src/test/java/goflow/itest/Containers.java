package goflow.itest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
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
     * The command line that starts the container jar with {@code home} as its home and its temporary
     * folder ({@code home/tmp}, created here). The container's launcher copies two jars into the
     * temporary folder at every start and deletes them only at a normal exit; a container the tests
     * kill leaves them behind, inside {@code home}, not in the machine's {@code /tmp}.
     *
     * @param home the container's {@code user.home}, usually its working folder
     * @param jvmArgs more options for the container's JVM
     * @return java, the options, -jar and the jar
     * @throws IOException if {@code home/tmp} cannot be created
     */
    static List<String> command(Path home, List<String> jvmArgs) throws IOException {
        assertTrue(Files.isRegularFile(JAR), "build goflow.dist first: missing " + JAR.toAbsolutePath());
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Duser.home=" + home);
        cmd.add("-Djava.io.tmpdir=" + tmp);
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

    /**
     * Reads a container's console output so far.
     *
     * @param output the file the container's output goes to
     * @return its text, or a note saying why it could not be read
     */
    static String read(Path output) {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /**
     * Sends commands to a container's shell and waits for their output, delimited by markers that
     * {@code echo} prints alone on their lines (bounded waits of {@link #TIMEOUT_SECONDS}).
     *
     * <p>Not thread-safe: one test thread drives it.
     */
    static final class Shell {
        private final Writer in;
        private final Path out;
        private int marker;

        Shell(Writer in, Path out) {
            this.in = in;
            this.out = out;
        }

        void send(String line) throws IOException {
            in.write(line + "\n");
            in.flush();
        }

        /** A marker printed by echo alone on its line, after any prompts (not the echoed command). */
        private static Pattern line(String marker) {
            return Pattern.compile("(?m)^(?:g! )*" + Pattern.quote(marker) + "$");
        }

        /** Runs one command; returns its output (bounded wait). */
        String run(String command) throws Exception {
            String begin = "@@begin-" + (++marker);
            String end = "@@end-" + marker;
            send("echo " + begin);
            send(command);
            send("echo " + end);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (System.nanoTime() - deadline < 0) {
                String all = read(out);
                Matcher b = line(begin).matcher(all);
                if (b.find()) {
                    Matcher e = line(end).matcher(all);
                    if (e.find(b.end())) {
                        return all.substring(b.end(), e.start());
                    }
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
            throw new AssertionError("no output for '" + command + "':\n" + read(out));
        }

        /** Repeats a command until its output satisfies {@code wanted} (bounded wait). */
        String poll(String command, Predicate<String> wanted) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            String last = "";
            while (System.nanoTime() - deadline < 0) {
                last = run(command);
                if (wanted.test(last)) {
                    return last;
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
            throw new AssertionError("never got the wanted output of '" + command + "'; last:\n" + last);
        }
    }
}

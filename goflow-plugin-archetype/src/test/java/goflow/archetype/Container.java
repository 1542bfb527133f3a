package goflow.archetype;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The goflow container ({@code goflow.dist/target/goflow.jar}) run as a process in a folder of its
 * own, driven through its interactive shell on standard input as a user would (the approach of
 * goflow.itest's ContainerIT). Each command is framed by {@code echo} markers so that its output
 * can be cut out of the process output.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class Container implements AutoCloseable {
    /** How long one command, or one condition polled with {@link #poll}, may take. */
    static final long TIMEOUT_SECONDS = 60;

    private final Process process;
    private final Path output;
    private final Writer in;
    /** The free loopback port its HTTP (goflow.web) listens on. */
    private final int httpPort;
    private int marker;

    private Container(Process process, Path output, int httpPort) {
        this.process = process;
        this.output = output;
        this.httpPort = httpPort;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /**
     * Starts the container in {@code dir} (it creates {@code dir/deploy} with its demo configuration), its
     * HTTP on a free port of 127.0.0.1 ({@code -Dorg.osgi.service.http.port}, as goflow.itest's WebContainerIT
     * does) rather than the default 8080.
     *
     * @param jar the container jar
     * @param dir the working folder
     * @return the running container
     * @throws IOException if it cannot be started
     */
    static Container start(Path jar, Path dir) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("build goflow.dist first: missing " + jar.toAbsolutePath());
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path output = dir.resolve("container.out");
        // its temporary folder inside dir: the launcher's copies of its jars stay there if the container is killed
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.osgi.service.http.port=" + port, "-Djava.io.tmpdir=" + tmp, "-jar",
                jar.toAbsolutePath().toString()))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new Container(p, output, port);
    }

    /**
     * The port, on 127.0.0.1, that its HTTP listens on.
     *
     * @return the port
     */
    int httpPort() {
        return httpPort;
    }

    /**
     * Runs one shell command and returns its output (bounded wait).
     *
     * @param command the command line
     * @return its output
     * @throws Exception if it printed nothing within the timeout
     */
    String run(String command) throws Exception {
        String begin = "@@begin-" + (++marker);
        String end = "@@end-" + marker;
        send("echo " + begin);
        send(command);
        send("echo " + end);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            String all = output();
            Matcher b = line(begin).matcher(all);
            if (b.find()) {
                Matcher e = line(end).matcher(all);
                if (e.find(b.end())) {
                    return all.substring(b.end(), e.start());
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("the container stopped during '" + command + "':\n" + output());
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("no output for '" + command + "':\n" + output());
    }

    /**
     * Repeats a command until its output satisfies {@code wanted} (bounded wait).
     *
     * @param command the command line
     * @param wanted the condition on its output
     * @return the first output that satisfies it
     * @throws Exception if none did within the timeout
     */
    String poll(String command, Predicate<String> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = run(command);
            if (wanted.test(last)) {
                return last;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("never got the wanted output of '" + command + "'; last:\n" + last);
    }

    /**
     * Stops the container with {@code stop 0} and returns its exit code.
     *
     * @return the exit code
     * @throws Exception if it does not stop within the timeout
     */
    int stop() throws Exception {
        send("stop 0");
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("the container did not stop:\n" + output());
        }
        return process.exitValue();
    }

    /** The whole process output so far. */
    String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Kills the process if it is still running (after a failure). */
    @Override
    public void close() {
        process.destroyForcibly();
    }

    private void send(String line) throws IOException {
        in.write(line + "\n");
        in.flush();
    }

    /** A marker printed by echo alone on its line, after any prompts (not the echoed command). */
    private static Pattern line(String marker) {
        return Pattern.compile("(?m)^(?:g! )*" + Pattern.quote(marker) + "$");
    }
}

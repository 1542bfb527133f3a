package goflow.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStreamWriter;
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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, with the real container jar as a process (like {@link ContainerIT}): a typed
 * {@code .config} file in {@code deploy/} that does not parse is refused with a warning naming the
 * file, the line and the fault, and no configuration is made from it; FileInstall 3.7.4 alone
 * would silently read such a file as plain properties (every value a string, quotes included).
 * The warnings are read from the container's log file ({@code log/goflow.log}), where its log goes.
 */
class ConfigFileIT {
    private static final Path JAR = Path.of(System.getProperty("goflow.container.jar", "../goflow.dist/target/goflow.jar"));
    private static final long TIMEOUT_SECONDS = 60;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    private Process start(Path dir, Path output) throws IOException {
        assertTrue(Files.isRegularFile(JAR), "build goflow.dist first: missing " + JAR.toAbsolutePath());
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JAR.toAbsolutePath().toString());
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        started.add(p);
        return p;
    }

    private static String read(Path output) {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Waits (bounded) until the container's output satisfies {@code wanted}; returns it. */
    private static String awaitOutput(Path output, Predicate<String> wanted, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (System.nanoTime() - deadline < 0) {
            String text = read(output);
            if (wanted.test(text)) {
                return text;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("never saw " + what + " in " + output.getFileName() + ":\n" + read(output));
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aMalformedConfigFileIsRefusedWithTheLineAndNothingIsMadeFromIt(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        Process p = start(dir, out);
        try (Writer shell = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            Shell sh = new Shell(shell, out);
            sh.poll("echo (goflow:limiters)", s -> s.contains("demo-db"));
            Path file = dir.resolve("deploy").resolve("goflow.concurrencylimiter-odd.config");
            String name = file.getFileName().toString();

            // capacity is not typed: FileInstall would read the whole file as strings, name "\"odd\"" included
            Files.writeString(file, "# a typo on line 3\nname=\"odd\"\ncapacity=3\n", StandardCharsets.ISO_8859_1);
            Path log = dir.resolve("log").resolve("goflow.log"); // the container logs there, not on the console
            String warned = awaitOutput(log, s -> s.contains(name), "a warning about " + name);
            assertTrue(warned.matches("(?s).*WARNING.*" + Pattern.quote(name) + ".*line 3: capacity=3: .*"), warned);
            String limiters = sh.run("echo (goflow:limiters)");
            assertFalse(limiters.contains("odd"), "no limiter from the wrong parse: " + limiters);

            // fixed: the file goes through FileInstall as usual
            Files.writeString(file, "name=\"odd\"\ncapacity=I\"3\"\n", StandardCharsets.ISO_8859_1);
            String odd = sh.poll("echo (goflow:limiters odd)", s -> s.contains("concurrency-limiter"));
            assertTrue(odd.matches("(?s).*\\bcapacity +3\\R.*"), odd);

            // broken again: refused, and the configuration from the good version stays
            Files.writeString(file, "name=\"odd\"\ncapacity=I\"three\"\n", StandardCharsets.ISO_8859_1);
            String again = awaitOutput(log, s -> count(s, name) >= 2, "a second warning about " + name);
            assertTrue(again.matches("(?s).*line 2: capacity=I\"three\": .*"), again);
            String kept = sh.run("echo (goflow:limiters odd)");
            assertTrue(kept.matches("(?s).*\\bcapacity +3\\R.*"), kept);

            // deleted: its configuration goes
            Files.delete(file);
            sh.poll("echo (goflow:limiters odd)", s -> s.contains("no limiter named 'odd'"));
            sh.send("stop 0");
        }
        assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), () -> "container did not stop:\n" + read(out));
        assertEquals(0, p.exitValue(), () -> read(out));
    }

    /** Sends commands to the container's shell and waits for their output, delimited by markers. */
    private static final class Shell {
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

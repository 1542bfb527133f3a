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
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, with the real container jar as a process (like {@link ContainerIT}): a typed
 * {@code .config} file in {@code deploy/} that does not parse is refused with a warning naming the
 * file, the line and the fault, and no configuration is made from it; FileInstall 3.7.4 alone
 * would silently read such a file as plain properties (every value a string, quotes included).
 * A plain {@code .cfg} file that starts with a byte order mark is refused the same way (FileInstall
 * would read the mark into its first name); every other {@code .cfg} file, the demo's included,
 * is FileInstall's as before.
 * The warnings are read from the container's log file ({@code log/goflow.log}), where its log goes.
 */
class ConfigFileIT {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(Containers::kill);
    }

    private Process start(Path dir, Path output) throws IOException {
        Process p = new ProcessBuilder(Containers.command(dir, List.of())).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        started.add(p);
        return p;
    }

    /** Waits (bounded) until the container's output satisfies {@code wanted}; returns it. */
    private static String awaitOutput(Path output, Predicate<String> wanted, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Containers.TIMEOUT_SECONDS);
        while (System.nanoTime() - deadline < 0) {
            String text = Containers.read(output);
            if (wanted.test(text)) {
                return text;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("never saw " + what + " in " + output.getFileName() + ":\n" + Containers.read(output));
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aMalformedConfigFileOrACfgFileWithAByteOrderMarkIsRefusedWithTheLineAndNothingIsMadeFromIt(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        Process p = start(dir, out);
        try (Writer shell = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            Containers.Shell sh = new Containers.Shell(shell, out);
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

            // a .cfg file saved with a byte order mark: FileInstall would name the first setting
            // "\u00ef\u00bb\u00bfcapacity" and make limiter 'bom' with the default capacity; refused instead
            Path cfg = dir.resolve("deploy").resolve("goflow.concurrencylimiter-bom.cfg");
            byte[] text = "capacity = 2\nname = bom\n".getBytes(StandardCharsets.ISO_8859_1);
            byte[] withBom = new byte[text.length + 3];
            withBom[0] = (byte) 0xEF;
            withBom[1] = (byte) 0xBB;
            withBom[2] = (byte) 0xBF;
            System.arraycopy(text, 0, withBom, 3, text.length);
            Files.write(cfg, withBom);
            String bomWarned = awaitOutput(log, s -> s.contains(cfg.getFileName().toString()), "a warning about " + cfg);
            assertTrue(bomWarned.matches("(?s).*WARNING.*" + Pattern.quote(cfg.getFileName().toString())
                    + " starts with a byte order mark.*line 1: the file starts with a byte order mark.*"), bomWarned);
            assertTrue(sh.run("echo (goflow:limiters bom)").contains("no limiter named 'bom'"), "nothing made from it");
            Files.write(cfg, text); // saved without the mark: FileInstall applies it as usual
            String bom = sh.poll("echo (goflow:limiters bom)", s -> s.contains("concurrency-limiter"));
            assertTrue(bom.matches("(?s).*\\bcapacity +2\\R.*"), bom);
            Files.delete(cfg);
            sh.poll("echo (goflow:limiters bom)", s -> s.contains("no limiter named 'bom'"));
            sh.send("stop 0");
        }
        assertTrue(p.waitFor(Containers.TIMEOUT_SECONDS, TimeUnit.SECONDS), () -> "container did not stop:\n" + Containers.read(out));
        assertEquals(0, p.exitValue(), () -> Containers.read(out));
    }
}

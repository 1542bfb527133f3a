package goflow.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus' own parser and linter, {@code promtool check metrics} (Debian package
 * {@code prometheus}, which {@code .ci/run} installs when it is missing), and a reader of the
 * sample lines for exact assertions. Test code: goflow.web's tests and goflow.itest use it through
 * this module's test jar.
 */
public final class Promtool {
    /** Where Debian installs promtool. */
    public static final Path PROMTOOL = Path.of(System.getProperty("goflow.promtool", "/usr/bin/promtool"));
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*})? (\\S+)$");

    private Promtool() {
    }

    /**
     * Runs {@code promtool check metrics} on the text and fails the test unless promtool accepts it
     * without a single complaint (parse errors and lint problems alike).
     *
     * @param text an exposition
     * @throws Exception if promtool cannot be run
     */
    public static void check(String text) throws Exception {
        assertTrue(Files.isExecutable(PROMTOOL), PROMTOOL + " is missing: install the Debian package 'prometheus'"
                + " (.ci/run does)");
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // promtool stopped reading: its output says why
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> "promtool check metrics refused the exposition:\n" + out + "\n---\n" + text);
        assertEquals("", out.trim(), () -> "promtool check metrics complained:\n" + out + "\n---\n" + text);
    }

    /**
     * Reads the sample lines of an exposition.
     *
     * @param text an exposition
     * @return {@code name{labels}} to the value as written
     */
    public static Map<String, String> samples(String text) {
        Map<String, String> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), () -> "not a sample line: " + line);
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), m.group(3));
        }
        return samples;
    }
}

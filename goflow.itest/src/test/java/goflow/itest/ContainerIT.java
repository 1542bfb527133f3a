package goflow.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: starts the real container jar ({@code goflow.dist/target/goflow.jar}) as a process
 * in an empty folder and drives it as a user would: a non-interactive script; an interactive
 * session fed on standard input that hot-deploys a plugin jar into {@code deploy/} and removes it
 * again; a restart of the container bundle and a refresh of goflow.api before {@code stop 0}; and
 * a console free of log lines and stack traces, the log going to {@code log/goflow.log}; and the
 * headless container ({@code -Dgoflow.headless=true}) that runs with standard input closed until
 * SIGTERM stops it. Every run must end with exit code 0. ({@link ContainerTerminalIT} does the same
 * under a terminal.)
 */
class ContainerIT {
    private static final long TIMEOUT_SECONDS = Containers.TIMEOUT_SECONDS;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(Containers::kill);
    }

    /** Starts the container in {@code dir}, standard input piped, output to a file; its home is {@code dir}. */
    private Process start(Path dir, List<String> jvmArgs, Path output) throws IOException {
        Process p = new ProcessBuilder(Containers.command(dir, jvmArgs)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        started.add(p);
        return p;
    }

    private static int awaitExit(Process p, Path output) throws Exception {
        assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), () -> "container did not stop:\n" + read(output));
        return p.exitValue();
    }

    private static String read(Path output) {
        return Containers.read(output);
    }

    @Test
    void aScriptRunsNonInteractivelyShowsLiveFiguresAndExitsZero(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("check.gosh"), String.join("\n",
                "sleep 1",
                "echo (goflow:stats)",
                "echo (goflow:stages)",
                "echo (goflow:sources)",
                "echo (goflow:stream orders 3)",
                "echo (goflow:run demo-orders 'id=7 customer=c01 amount=9.99 currency=EUR')",
                "stop 0", ""));
        Path out = dir.resolve("out.txt");
        Process p = start(dir, List.of("-Dgosh.args=--nointeractive check.gosh"), out);
        assertEquals(0, awaitExit(p, out), () -> read(out));
        String text = read(out);
        // The default configuration was written into the new deploy/ folder and is live.
        assertTrue(Files.isRegularFile(dir.resolve("deploy/goflow.pipeline-demo-orders.config")), text);
        for (String row : List.of("demo-ingress", "demo-db", "demo-workers", "demo-traffic", "demo-orders")) {
            assertTrue(text.contains(row), () -> "goflow:stats lacks " + row + ":\n" + text);
        }
        assertTrue(demoExecutions(text) > 0, () -> "no demo traffic yet:\n" + text);
        for (String stage : List.of("trim", "upper", "grep", "split", "parse-kv", "parse-csv", "require",
                "timestamp", "project", "format-kv")) {
            assertTrue(text.contains(stage), () -> "goflow:stages lacks " + stage + ":\n" + text);
        }
        assertTrue(text.contains("orders") && text.contains("counter") && text.contains("lines"), text);
        assertTrue(text.matches("(?s).*\\R3 +id=3 customer=c\\d\\d amount=\\d+\\.\\d\\d currency=[A-Z]{3}\\R.*"),
                () -> "goflow:stream orders 3:\n" + text);
        assertTrue(text.contains("id=7 amount=9.99 currency=EUR timestamp="), text);
        assertFalse(text.contains("sha256"), "the codec plugin is not in the container by default");
    }

    /**
     * Gogo stops a --nointeractive script at its first failing command and would leave the
     * framework running (a batch job hanging until killed): the container ends with exit code 1.
     */
    @Test
    void aScriptWhoseCommandFailsEndsTheContainerWithExitCodeOne(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("fail.gosh"), String.join("\n",
                "echo before",
                "echo (goflow:stream nope 3)",
                "echo never",
                "stop 0", ""));
        Path out = dir.resolve("out.txt");
        Process p = start(dir, List.of("-Dgosh.args=--nointeractive fail.gosh"), out);
        assertEquals(1, awaitExit(p, out), () -> read(out));
        String text = read(out);
        assertTrue(text.contains("the gosh.args script failed") && text.contains("nope"), text);
        assertFalse(text.contains("never"), text);
    }

    @Test
    void headlessItRunsWithStandardInputClosedAndSigtermStopsItCleanlyWithExitZero(@TempDir Path dir) throws Exception {
        int port = Ports.freePort();
        Path out = dir.resolve("out.txt");
        Path log = dir.resolve("log/goflow.log");
        Process p = start(dir, List.of("-Dgoflow.headless=true", "-Dorg.osgi.service.http.port=" + port), out);
        p.getOutputStream().close(); // end of input at once, as with < /dev/null (docker without -i, systemd)
        // Up: the dashboard's data answers, and the demo traffic moves it, again and again, for
        // several seconds after the whole framework has started, when the shell would have reached
        // the end of its input and stopped the container.
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        URI state = URI.create("http://127.0.0.1:" + port + "/goflow/api/state");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        long upSince = 0;
        int answers = 0;
        String last = "";
        while (upSince == 0 || System.nanoTime() - upSince < TimeUnit.SECONDS.toNanos(5) || answers < 5) {
            assertTrue(p.isAlive(), () -> "the headless container stopped by itself:\n" + read(out) + "\nlog:\n" + read(log));
            assertTrue(System.nanoTime() - deadline < 0, () -> "the dashboard did not answer; console:\n" + read(out));
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(state).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                boolean fresh = r.statusCode() == 200 && r.body().contains("demo-ingress") && !r.body().equals(last);
                if (fresh && read(log).contains("goflow: headless")) {
                    upSince = upSince == 0 ? System.nanoTime() : upSince;
                    answers++;
                    last = r.body();
                }
            } catch (IOException e) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        assertFalse(read(out).contains("g! "), () -> "a shell prompt:\n" + read(out));

        p.destroy(); // SIGTERM
        assertEquals(0, awaitExit(p, out), () -> read(out) + "\nlog:\n" + read(log));
        String logged = read(log);
        int signal = logged.indexOf("INFO goflow.container.Headless - goflow: SIGTERM: stopping the container");
        assertTrue(signal > 0, logged);
        String after = logged.substring(signal);
        assertTrue(after.contains("INFO org.apache.felix.http - Stopped Jetty"), () -> "HTTP not stopped:\n" + after);
        assertTrue(after.matches("(?s).*INFO goflow\\.container\\.Activator - goflow: the container has stopped [^\\n]*\\R$"),
                () -> "not the last line:\n" + after);
        String console = read(out);
        assertFalse(Containers.STACK_TRACE.matcher(console).find() || Containers.STACK_TRACE.matcher(logged).find(),
                () -> "a stack trace:\n" + console + "\nlog:\n" + logged);
    }

    /** Reads the executions column of the demo-orders row of goflow:stats. */
    private static long demoExecutions(String text) {
        for (String line : text.split("\\R")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length > 3 && cols[0].equals("demo-orders") && cols[1].equals("pipeline")) {
                return Long.parseLong(cols[3]);
            }
        }
        return -1;
    }

    @Test
    void aPluginJarCopiedIntoDeployAddsItsStagesAndRemovingItTakesThemAway(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        Process p = start(dir, List.of(), out);
        try (Writer shell = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            Containers.Shell sh = new Containers.Shell(shell, out);
            String before = sh.run("echo (goflow:stages)");
            assertTrue(before.contains("trim"), before);
            assertFalse(before.contains("sha256"), before);

            // A pipeline of stage names, one of them (sha256) from a plugin that is not there yet.
            Files.writeString(dir.resolve("deploy").resolve("goflow.pipeline-hash.config"),
                    "name=\"hash\"\nstages=[\"trim\",\"sha256\"]\n");
            String waiting = sh.poll("echo (goflow:run hash ' hello ')", s -> s.contains("hash "));
            assertTrue(waiting.contains("failed") && waiting.contains("sha256"), waiting);
            String status = sh.run("echo (goflow:pipelines)");
            assertTrue(status.matches("(?s).*\\bhash +waiting for sha256\\R.*"), status);

            Path jar = dir.resolve("deploy").resolve("goflow.plugin.codec.jar");
            Files.copy(Containers.PLUGINS.resolve("goflow.plugin.codec.jar"), jar, StandardCopyOption.REPLACE_EXISTING);
            String with = sh.poll("echo (goflow:stages)", s -> s.contains("sha256"));
            assertTrue(with.contains("base64-encode") && with.contains("goflow.plugin.codec"), with);
            String ready = sh.run("echo (goflow:pipelines)");
            assertTrue(ready.matches("(?s).*\\bhash +ready\\R.*"), ready);
            String hashed = sh.run("echo (goflow:run hash ' hello ')");
            assertTrue(hashed.contains("succeeded")
                    && hashed.contains("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"), hashed);

            Files.delete(jar);
            String without = sh.poll("echo (goflow:stages)", s -> !s.contains("sha256") && s.contains("trim"));
            assertFalse(without.contains("goflow.plugin.codec"), without);
            String missing = sh.run("echo (goflow:run hash ' hello ')");
            assertTrue(missing.contains("failed") && missing.contains("sha256"), missing);
            sh.send("stop 0");
        }
        assertEquals(0, awaitExit(p, out), () -> read(out));
    }

    @Test
    void afterARestartOfTheContainerBundleAndARefreshOfTheApiStopZeroStillExitsZero(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        Process p = start(dir, List.of(), out);
        try (Writer shell = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            Containers.Shell sh = new Containers.Shell(shell, out);
            String container = bundleId(sh.run("lb goflow.container"), "goflow.container");
            String api = bundleId(sh.run("lb goflow.api"), "goflow.api");
            sh.run("stop " + container);
            sh.run("start " + container);
            sh.poll("lb goflow.container", s -> s.contains("Active"));
            // A refresh of the API restarts every bundle wired to it, the container bundle included.
            sh.run("refresh " + api);
            sh.poll("lb goflow", s -> s.contains("goflow.container") && !s.matches("(?s).*\\|(Installed|Resolved|Starting|Stopping) .*"));
            String stages = sh.poll("echo (goflow:stages)", s -> s.contains("trim"));
            assertTrue(stages.contains("parse-kv"), stages);
            sh.send("stop 0");
        }
        assertEquals(0, awaitExit(p, out), () -> read(out));
    }

    /** The id in the row of {@code lb}'s output that names {@code bsn}. */
    private static String bundleId(String lb, String bsn) {
        Matcher m = Pattern.compile("(?m)^\\s*(\\d+)\\|[^|]*\\|[^|]*\\|" + Pattern.quote(bsn) + " ").matcher(lb);
        assertTrue(m.find(), () -> "no " + bsn + " in:\n" + lb);
        return m.group(1);
    }

    @Test
    void theConsoleShowsNoLogLinesOrStackTracesAndTheLogFileHasThem(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        Process p = start(dir, List.of(), out);
        try (Writer shell = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            Containers.Shell sh = new Containers.Shell(shell, out);
            // Let the demo traffic run, so that the stop closes primitives under it.
            sh.poll("echo (goflow:stats)", s -> demoExecutions(s) > 0);
            sh.send("stop 0");
        }
        assertEquals(0, awaitExit(p, out), () -> read(out));
        String console = read(out);
        int prompt = console.indexOf("g! ");
        assertTrue(prompt > 0, console);
        String beforePrompt = console.substring(0, prompt);
        assertFalse(Containers.LOG_LINE.matcher(beforePrompt).find(), () -> "log lines before the prompt:\n" + beforePrompt);
        assertFalse(Containers.LOG_LINE.matcher(console).find(), () -> "log lines on the console:\n" + console);
        assertFalse(Containers.STACK_TRACE.matcher(console).find(), () -> "a stack trace on the console:\n" + console);
        Path log = dir.resolve("log/goflow.log");
        assertTrue(Files.isRegularFile(log), () -> "no " + log + "; console:\n" + console);
        String logged = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(logged.matches("(?s).*\\R?\\d{4}-\\d\\d-\\d\\dT[0-9:.]+\\S* INFO goflow\\.impl\\.osgi\\.Configured - (goflow: )?"
                + "configuration goflow\\.pipeline~demo-orders created pipeline 'demo-orders'\\R.*"), logged);
        assertTrue(logged.contains("INFO goflow.container.Activator - goflow: created "), logged);
    }

}

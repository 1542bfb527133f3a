package goflow.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container's console under a real (pseudo-)terminal, as a user at a keyboard has it: the
 * container jar is started by util-linux {@code script}, which gives it a pseudo-terminal and
 * copies our keystrokes into it (Ctrl-C is the byte 3, turned into SIGINT by the terminal).
 * Ctrl-C at the prompt must leave the container running, Ctrl-C during a command must interrupt
 * that command and bring the prompt back, up-arrow must recall the previous command, and
 * {@code stop 0} must exit 0 without a log line or a stack trace on the screen.
 */
class ContainerTerminalIT {
    private static final Path SCRIPT = Path.of("/usr/bin/script");
    private static final String CTRL_C = "\u0003";
    /** Up-arrow as a terminal in application cursor mode sends it (JLine switches that mode on). */
    private static final String UP = "\u001bOA";
    /** JLine turns bracketed paste on when it starts reading a line and off when the line is done. */
    private static final String READING = "\u001b[?2004h";
    private static final String DONE = "\u001b[?2004l";
    /** Terminal control sequences (CSI, OSC, charset and keypad selections). */
    private static final Pattern ESCAPES = Pattern.compile("\u001B(\\[[0-?]*[ -/]*[@-~]|\\][^\u0007\u001B]*(\u0007|\u001B\\\\)|[()][0-9A-Za-z]|[=>])");

    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void scriptIsThere() {
        assertTrue(Files.isExecutable(SCRIPT), SCRIPT + " (util-linux, Debian package bsdutils) is needed: .ci/run installs it");
    }

    @AfterEach
    void killLeftovers() {
        started.forEach(Containers::kill);
    }

    @Test
    void ctrlCAtThePromptLeavesTheContainerRunning(@TempDir Path dir) throws Exception {
        Terminal t = open(dir);
        t.press(CTRL_C);
        t.enter("echo still-here");
        t.awaitLines("still-here", 1);
        t.enter("stop 0");
        assertEquals(0, t.awaitExit(), t::screen);
    }

    @Test
    void ctrlCInterruptsTheRunningCommandAndThePromptReturns(@TempDir Path dir) throws Exception {
        Terminal t = open(dir);
        t.enter("sleep 600; echo not-interrupted");
        // Gogo shows a command line's output when it ends: the sign that it runs is that the
        // console stopped reading; Ctrl-C until the prompt is back (one is enough once the job runs).
        t.await(s -> t.running(), "the command running");
        long before = System.nanoTime();
        t.interruptUntilReading(CTRL_C);
        assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(Containers.TIMEOUT_SECONDS), t::screen);
        t.enter("echo after-ctrl-c");
        t.awaitLines("after-ctrl-c", 1);
        // Gogo reports the interrupt as the sleep saw it ("sleep interrupted") or, when the Ctrl-C lands
        // while the line is being evaluated around the sleep, as the bare InterruptedException: either
        // way the command was interrupted and the rest of its line did not run
        assertTrue(t.screen().contains("sleep interrupted") || t.screen().contains("InterruptedException"), t::screen);
        assertEquals(0, t.lines("not-interrupted"), t::screen);
        t.enter("stop 0");
        assertEquals(0, t.awaitExit(), t::screen);
    }

    @Test
    void upArrowRecallsThePreviousCommand(@TempDir Path dir) throws Exception {
        Terminal t = open(dir);
        t.enter("echo recalled-line");
        t.awaitLines("recalled-line", 1);
        t.press(UP + "\r");
        t.awaitLines("recalled-line", 2);
        t.enter("stop 0");
        assertEquals(0, t.awaitExit(), t::screen);
    }

    @Test
    void stopZeroExitsZeroAndTheScreenHasNoLogLinesOrStackTraces(@TempDir Path dir) throws Exception {
        Terminal t = open(dir);
        t.enter("echo (goflow:stages)");
        t.await(s -> s.contains("parse-kv"), "goflow:stages");
        t.enter("stop 0");
        assertEquals(0, t.awaitExit(), t::screen);
        String screen = t.screen();
        assertFalse(Containers.LOG_LINE.matcher(screen).find(), () -> "log lines on the screen:\n" + screen);
        assertFalse(Containers.STACK_TRACE.matcher(screen).find(), () -> "a stack trace on the screen:\n" + screen);
        assertFalse(screen.contains("dumb terminal"), screen);
        assertTrue(Files.readString(dir.resolve("log/goflow.log")).contains(" INFO goflow."), "the log has the INFO lines");
    }

    /** Starts the container under {@code script} in {@code dir} (also its home) and waits for the prompt. */
    private Terminal open(Path dir) throws Exception {
        String java = Containers.command(dir, List.of()).stream()
                .map(ContainerTerminalIT::quote).collect(Collectors.joining(" "));
        // As from a user's shell: SIGINT handled by default. (A CI job or a command started in the
        // background inherits SIGINT ignored, and an ignored signal stays ignored across exec.)
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "-qfec",
                "stty cols 160 rows 50; exec env --default-signal=INT " + java, "/dev/null")
                .directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("TERM", "xterm-256color");
        Process p = pb.start();
        started.add(p);
        Terminal t = new Terminal(p);
        t.await(s -> s.contains("g! "), "the prompt");
        return t;
    }

    private static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /** The keyboard and the screen of a container under {@code script}. */
    private static final class Terminal {
        private final Process process;
        private final OutputStream keyboard;
        /** Everything the terminal showed so far; appended by the reader thread. */
        private final StringBuffer raw = new StringBuffer();
        /** How much the terminal had shown when we last typed. */
        private volatile int typedAt;

        Terminal(Process process) {
            this.process = process;
            this.keyboard = process.getOutputStream();
            Thread reader = new Thread(this::read, "terminal-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            byte[] buf = new byte[8192];
            try (InputStream in = process.getInputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    raw.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                raw.append("\n(terminal closed: ").append(e).append(")\n");
            }
        }

        /** Types now, whatever the console is doing (Ctrl-C during a command). */
        void type(String keys) throws IOException {
            typedAt = raw.length();
            keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
        }

        /** Types once the console reads a line again (after what was typed last), as a user waits for the prompt. */
        void press(String keys) throws IOException, InterruptedException {
            await(s -> reading(), "the console reading a line in terminal mode (bracketed paste on; a dumb terminal never is)");
            type(keys);
        }

        /** Types a command line and Enter, once the console reads a line. */
        void enter(String line) throws IOException, InterruptedException {
            press(line + "\r");
        }

        /** Whether the console finished reading the line typed last, and runs it. */
        boolean running() {
            int off = raw.lastIndexOf(DONE);
            return off >= typedAt && off > raw.lastIndexOf(READING);
        }

        /** Types {@code keys} every second until the console reads a line again (bounded). */
        void interruptUntilReading(String keys) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Containers.TIMEOUT_SECONDS);
            while (System.nanoTime() < deadline) {
                type(keys);
                long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (System.nanoTime() < next) {
                    if (reading()) {
                        return;
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError("the container exited; screen:\n" + screen());
                    }
                    TimeUnit.MILLISECONDS.sleep(50);
                }
            }
            throw new AssertionError("the prompt never came back; screen:\n" + screen());
        }

        /** Whether JLine started reading a line since we last typed and has not finished it. */
        private boolean reading() {
            int on = raw.lastIndexOf(READING);
            return on >= typedAt && on > raw.lastIndexOf(DONE);
        }

        /** The screen's text: control sequences and carriage returns removed. */
        String screen() {
            return ESCAPES.matcher(raw).replaceAll("").replace("\r", "");
        }

        /** How many lines consist of {@code text} alone (command output, not the echoed command). */
        int lines(String text) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(text) + "[ \t]*$").matcher(screen());
            int n = 0;
            while (m.find()) {
                n++;
            }
            return n;
        }

        void awaitLines(String text, int count) throws InterruptedException {
            await(s -> lines(text) >= count, count + " line(s) '" + text + "'");
        }

        /** Waits (bounded) until the screen satisfies {@code wanted}; fails at once if the container died. */
        void await(Predicate<String> wanted, String what) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Containers.TIMEOUT_SECONDS);
            while (System.nanoTime() < deadline) {
                if (wanted.test(screen())) {
                    return;
                }
                if (!process.isAlive()) {
                    process.waitFor(1, TimeUnit.SECONDS);
                    throw new AssertionError("the container exited with " + process.exitValue() + " before " + what
                            + "; screen:\n" + screen());
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
            throw new AssertionError("never saw " + what + "; screen:\n" + screen());
        }

        /** Waits (bounded) for the exit and returns the container's exit code ({@code script -e} passes it on). */
        int awaitExit() throws InterruptedException {
            assertTrue(process.waitFor(Containers.TIMEOUT_SECONDS, TimeUnit.SECONDS), () -> "still running:\n" + screen());
            return process.exitValue();
        }
    }
}

package goflow.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.nio.channels.spi.AbstractInterruptibleChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import goflow.api.GoFlow;
import goflow.api.GoFlowException;
import goflow.api.InvalidConfigException;
import goflow.api.context.Context;
import goflow.api.stream.StreamSource;

class RunCommandsTest {
    private final GoFlow goflow = GoFlow.load();
    private final RunCommands run = new RunCommands(goflow.registry(), goflow);
    private final GoFlowCommands views = new GoFlowCommands(goflow.registry(), p -> List.of(), goflow.streamSources());

    @AfterEach
    void close() {
        goflow.close();
    }

    private void textPipeline() {
        goflow.pipeline("text").stage("upper", (String s) -> s.toUpperCase(java.util.Locale.ROOT))
                .stage("exclaim", s -> {
                    if (s.isEmpty()) {
                        throw new IllegalArgumentException("empty input");
                    }
                    return s + "!";
                }).build();
    }

    @Test
    void runExecutesAPipelineAndShowsEachStage() {
        textPipeline();
        String out = run.run("text", "hi");
        assertTrue(out.matches("(?s)pipeline +result +output +duration\n"
                + "text +succeeded +HI! +\\S+\n\n"
                + "stage +input +output +duration +error\n"
                + "upper +hi +HI +\\S+ +-\n"
                + "exclaim +HI +HI! +\\S+ +-\n"), out);
        String failed = run.run("text", "");
        assertTrue(failed.matches("(?s)pipeline +result +output +duration\ntext +failed +- .*"
                + "\nexclaim + +- +\\S+ +java.lang.IllegalArgumentException: empty input\n"), failed);
        assertEquals("no pipeline named 'nope'; known: text",
                assertThrows(IllegalArgumentException.class, () -> run.run("nope", "x")).getMessage());
    }

    @Test
    void runShowsEachRowOnOneAlignedLineWhateverTheValuesContain() {
        goflow.pipeline("lines").stage("split", (String s) -> s.replace(' ', '\n'))
                .stage("fail", (String s) -> {
                    throw new IllegalStateException("first line\nsecond\tline\u2028third");
                }).build();
        String out = run.run("lines", "a b\tc\r");
        List<String> lines = out.lines().collect(java.util.stream.Collectors.toList());
        assertEquals(6, lines.size(), out); // header, row, blank, header, a row per stage
        assertTrue(lines.get(4).matches("split +a b\\\\tc\\\\r +a\\\\nb\\\\tc\\\\r +\\S+ +-"), out);
        String error = "java.lang.IllegalStateException: first line\\nsecond\\tline\\u2028third";
        assertTrue(lines.get(5).endsWith(error), out);
        assertEquals(lines.get(3).indexOf("error"), lines.get(5).indexOf(error), "aligned:\n" + out);
    }

    @Test
    void runShowsAnOutputWhoseToStringFailsInsteadOfLosingTheResult() {
        Object opaque = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no text");
            }
        };
        goflow.pipeline("opaque").stage("make", (String s) -> opaque).build();
        String out = run.run("opaque", "x");
        assertTrue(out.matches("(?s)pipeline +result +output +duration\nopaque +succeeded +<toString\\(\\) failed: "
                + "java.lang.IllegalStateException: no text> .*\nmake +x +<toString\\(\\) failed: .*"), out);
    }

    /**
     * An output whose class's bundle was refreshed away throws a NoClassDefFoundError from its
     * toString(): the pipeline has run, its result is shown all the same.
     */
    @Test
    void runShowsAnOutputWhoseToStringThrowsAnErrorInsteadOfLosingTheResult() {
        Object unloadable = new Object() {
            @Override
            public String toString() {
                throw new NoClassDefFoundError("plugin/Gone");
            }
        };
        goflow.pipeline("gone").stage("make", (String s) -> unloadable).build();
        String out = run.run("gone", "x");
        assertTrue(out.matches("(?s)pipeline +result +output +duration\ngone +succeeded +<toString\\(\\) failed: "
                + "java.lang.NoClassDefFoundError: plugin/Gone> .*\nmake +x +<toString\\(\\) failed: .*"), out);
    }

    /** A failure that cannot even be shown (its own toString() throws) is named by its class. */
    @Test
    void aValueWhoseToStringFailureCannotBeShownIsNamedByItsClass() {
        Object doubly = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException() {
                    @Override
                    public String getMessage() {
                        throw new AssertionError("no message either");
                    }
                };
            }
        };
        assertTrue(Table.format(doubly).matches("<toString\\(\\) failed: goflow\\.shell\\.RunCommandsTest\\$\\S+>"),
                Table.format(doubly));
        assertTrue(RunCommands.show(doubly).startsWith("<toString() failed: goflow.shell.RunCommandsTest$"),
                RunCommands.show(doubly));
    }

    @Test
    void runBoundsEachValueSoThatOneLargeOutputDoesNotWidenEveryRow() {
        String document = "x".repeat(100_000);
        goflow.pipeline("big").stage("load", (String s) -> document).stage("size", (String s) -> s.length())
                .stage("done", (Integer n) -> "ok").build();
        String out = run.run("big", "in");
        assertTrue(out.length() < 10 * Table.MAX_CELL_CHARS, out.length() + " characters"); // 800185 before
        String shown = "x".repeat(Table.MAX_CELL_CHARS) + "... (" + (100_000 - Table.MAX_CELL_CHARS) + " more characters)";
        List<String> lines = out.lines().collect(java.util.stream.Collectors.toList());
        assertTrue(lines.get(4).matches("load +in +" + java.util.regex.Pattern.quote(shown) + " +\\S+ +-"), out);
        assertTrue(lines.get(5).matches("size +" + java.util.regex.Pattern.quote(shown) + " +100000 +\\S+ +-"), out);
    }

    @Test
    void pipelinesShowsPerStageStatistics() {
        textPipeline();
        run.run("text", "a");
        run.run("text", "");
        String out = views.pipelines("text");
        assertTrue(out.matches("(?s)pipeline +executions +successes +failures +inFlight +averageDuration +maxDuration"
                + " +status\n"
                + "text +2 +1 +1 +0 .* +-\n\n"
                + "stage +count +successes +errors +inFlight +averageDuration +maxDuration +totalDuration\n"
                + "upper +2 +2 +0 +0 .*\n"
                + "exclaim +2 +1 +1 +0 .*\n"), out);
        assertEquals("no pipeline named 'nope'; known: text\n", views.pipelines("nope"));
        assertTrue(views.pipelines().startsWith("name  kind      owner        executions"), views.pipelines());
    }

    /** Runs goflow:stream into a string; the header and one line per element. */
    private String stream(String source, String limit) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        run.stream(new PrintStream(bytes, true, StandardCharsets.UTF_8), source, limit);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * {@code goflow:stream} run on a thread of its own, as Gogo runs a command, so that the test can
     * interrupt it (Ctrl-C); {@link #end()} interrupts and joins it whatever happened.
     */
    private final class StreamCommand {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicBoolean interruptKept = new AtomicBoolean();
        final Thread thread;

        StreamCommand(PrintStream out, String source, String limit) {
            thread = new Thread(() -> {
                try {
                    run.stream(out, source, limit);
                    interruptKept.set(Thread.currentThread().isInterrupted());
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "goflow-shell-test-stream");
            thread.start();
        }

        /** Waits until the command ends; asserts that it does. */
        void join() throws InterruptedException {
            thread.join(Eventually.TIMEOUT.toMillis());
            assertFalse(thread.isAlive(), "the command ended after the interrupt");
        }

        void end() throws InterruptedException {
            thread.interrupt();
            thread.join(Eventually.TIMEOUT.toMillis());
        }

        /** The command returned without a failure and with its thread's interrupt flag set again. */
        void assertEndedInterrupted() {
            assertNull(failure.get());
            assertTrue(interruptKept.get(), "the interrupt flag is set again for the caller");
        }
    }

    /** A source of 1, 2, 3, ... without end that waits {@code pause} before each element after the first. */
    private static final class Ticks implements StreamSource<Integer> {
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        private final Duration pause;

        Ticks(Duration pause) {
            this.pause = pause;
        }

        @Override
        public Cursor<Integer> open(Context ctx) {
            opened.incrementAndGet();
            return new Cursor<>() {
                private int next;

                @Override
                public boolean tryAdvance(Context c, Consumer<? super Integer> action) throws InterruptedException {
                    if (next > 0 && !pause.isZero()) {
                        c.sleep(pause);
                    }
                    action.accept(++next);
                    return true;
                }

                @Override
                public void close() {
                    closed.incrementAndGet();
                }
            };
        }
    }

    @Test
    void streamPrintsTheFirstElementsOfASource() {
        Ticks numbers = new Ticks(Duration.ZERO);
        goflow.streamSources().register("numbers", numbers);
        assertEquals(""
                + "#  element\n"
                + "1  1\n"
                + "2  2\n"
                + "3  3\n", stream("numbers", "3"));
        assertEquals(1, numbers.closed.get(), "the source is closed when the limit is reached");
    }

    /**
     * A source that never ends, waiting between elements: each element reaches the output as it
     * comes, and interrupting the command's thread (Gogo's Ctrl-C) ends the command at once with a
     * message, the source closed and the interrupt flag kept.
     */
    @ParameterizedTest(name = "pause {0} ms")
    @ValueSource(ints = {0, 20})
    void streamPrintsElementsAsTheyComeAndAnInterruptStopsItAndClosesTheSource(int pauseMillis) throws Exception {
        Ticks ticks = new Ticks(Duration.ofMillis(pauseMillis));
        goflow.streamSources().register("ticks", ticks);
        StringBuffer printed = new StringBuffer();
        PrintStream out = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                printed.append((char) b);
            }
        }, true, StandardCharsets.ISO_8859_1);
        StreamCommand command = new StreamCommand(out, "ticks", String.valueOf(RunCommands.MAX_LIMIT));
        try {
            Eventually.until(() -> printed.toString().startsWith("#  element\n1  1\n2  2\n3  3\n"));
            assertTrue(command.thread.isAlive(), "the command is still running while its elements are printed");
            assertEquals(0, ticks.closed.get());
            command.thread.interrupt(); // Ctrl-C
            command.join();
        } finally {
            command.end();
        }
        command.assertEndedInterrupted();
        assertEquals(1, ticks.opened.get());
        assertEquals(1, ticks.closed.get(), "the source is closed");
        List<String> lines = printed.toString().lines().toList();
        assertEquals("#  element", lines.get(0));
        int elements = lines.size() - 2;
        for (int i = 1; i <= elements; i++) {
            assertEquals(i + "  " + i, lines.get(i), "one line per element, in order");
        }
        assertEquals("goflow:stream: interrupted after " + elements + " elements; source 'ticks' closed",
                lines.get(lines.size() - 1));
    }

    /**
     * Gogo writes a command's output through an interruptible channel (its
     * {@code Closure.WritableByteChannelImpl} is an {@link AbstractInterruptibleChannel}): a write made
     * while the thread's interrupt flag is set closes it, and the rest of the output is lost. So after
     * Ctrl-C, whether it comes while the source waits or between two elements, nothing is written
     * with the flag set, and the closing message gets through.
     */
    @ParameterizedTest(name = "source waits after the interrupt: {0}")
    @ValueSource(booleans = {true, false})
    void afterAnInterruptTheMessageGetsThroughAnInterruptibleOutputChannelAsGogosIs(boolean waits) {
        StreamSource<Integer> ctrlCAtTheThird = ctx -> new StreamSource.Cursor<>() {
            private int next;

            @Override
            public boolean tryAdvance(Context c, Consumer<? super Integer> action) throws InterruptedException {
                if (next == 2) {
                    Thread.currentThread().interrupt(); // Ctrl-C, just now
                    if (waits) {
                        c.sleep(Duration.ofSeconds(30));
                    }
                }
                action.accept(++next);
                return true;
            }

            @Override
            public void close() {
            }
        };
        goflow.streamSources().register("ctrl-c", ctrlCAtTheThird);
        GogoOutputChannel gogoLike = new GogoOutputChannel(null);
        PrintStream out = gogoLike.printStream();
        try {
            run.stream(out, "ctrl-c", "100");
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag is set again for the caller");
        } finally {
            Thread.interrupted();
        }
        assertTrue(gogoLike.isOpen(), "nothing was written with the interrupt flag set");
        assertEquals("#  element\n1  1\n2  2\ngoflow:stream: interrupted after 2 elements; source 'ctrl-c' closed\n",
                gogoLike.written());
    }

    /**
     * Ctrl-C while an element's line is being written (a slow console, a full pipe): that line and
     * the closing message both get through, and the output stays open. The write is not made by the
     * interrupted thread; had it been, the interrupt would have closed Gogo's channel mid-write.
     */
    @Test
    void anInterruptDuringAWriteLosesNeitherThatLineNorTheClosingMessage() throws Exception {
        Ticks ticks = new Ticks(Duration.ZERO);
        goflow.streamSources().register("ticks", ticks);
        GogoOutputChannel gogoLike = new GogoOutputChannel("2  2\n");
        StreamCommand command = new StreamCommand(gogoLike.printStream(), "ticks", "100");
        try {
            assertTrue(gogoLike.stalled.await(Eventually.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                    "the line of the second element is being written");
            command.thread.interrupt(); // Ctrl-C, while that write has not returned
            gogoLike.resume.complete(null);
            command.join();
        } finally {
            gogoLike.resume.complete(null);
            command.end();
        }
        command.assertEndedInterrupted();
        assertTrue(gogoLike.isOpen(), "the output was not closed by the interrupt");
        assertEquals("#  element\n1  1\n2  2\ngoflow:stream: interrupted after 2 elements; source 'ticks' closed\n",
                gogoLike.written());
        assertEquals(1, ticks.closed.get(), "the source is closed");
        Eventually.until(() -> !printerThreadRuns("goflow:stream ticks"));
    }

    /**
     * An output that never takes the line (a console or a pipe nobody reads): Ctrl-C stops the
     * stream and the command waits to print its closing message; Ctrl-C again gives the output up,
     * and the command returns, the source closed and the interrupt flag kept.
     */
    @Test
    void aStuckOutputIsGivenUpAtTheNextInterrupt() throws Exception {
        Ticks ticks = new Ticks(Duration.ZERO);
        goflow.streamSources().register("ticks", ticks);
        GogoOutputChannel stuck = new GogoOutputChannel("2  2\n");
        StreamCommand command = new StreamCommand(stuck.printStream(), "ticks", "100");
        try {
            assertTrue(stuck.stalled.await(Eventually.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            command.thread.interrupt();
            Eventually.until(() -> ticks.closed.get() == 1); // the stream stopped; the message waits
            assertTrue(command.thread.isAlive(), "the closing message waits for the output");
            Eventually.until(() -> {
                command.thread.interrupt(); // Ctrl-C again (a press before the wait began counts for nothing)
                return !command.thread.isAlive();
            });
        } finally {
            stuck.resume.complete(null);
            command.end();
        }
        command.assertEndedInterrupted();
        assertFalse(stuck.isOpen(), "the output was given up");
        assertEquals("#  element\n1  1\n", stuck.written());
        assertEquals(1, ticks.closed.get());
        Eventually.until(() -> !printerThreadRuns("goflow:stream ticks"));
    }

    private static boolean printerThreadRuns(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name));
    }

    /**
     * As Gogo's {@code Closure.WritableByteChannelImpl}: an interruptible channel over another one,
     * here over bytes in memory ({@link #written()}). Optionally a slow console: the write of one
     * given text stalls (counting {@link #stalled} down) until {@link #resume} is completed or the
     * channel is closed, as a blocked native write ends when an interrupt closes its channel.
     */
    private static final class GogoOutputChannel extends AbstractInterruptibleChannel implements WritableByteChannel {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final WritableByteChannel out = Channels.newChannel(bytes);
        private final String stallOn;
        final CountDownLatch stalled = new CountDownLatch(1);
        final CompletableFuture<Void> resume = new CompletableFuture<>();

        /** @param stallOn the text whose write stalls, or null for none */
        GogoOutputChannel(String stallOn) {
            this.stallOn = stallOn;
        }

        /** A print stream over this channel, as Gogo gives a command. */
        PrintStream printStream() {
            return new PrintStream(Channels.newOutputStream(this), true, StandardCharsets.UTF_8);
        }

        /** What got through (ByteArrayOutputStream is synchronized). */
        String written() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (!isOpen()) {
                throw new ClosedChannelException();
            }
            boolean completed = false;
            begin();
            try {
                if (stallOn != null && StandardCharsets.UTF_8.decode(src.duplicate()).toString().equals(stallOn)) {
                    stalled.countDown();
                    resume.join(); // uninterruptible; ended early by implCloseChannel, as a native write is
                }
                if (!isOpen()) {
                    return 0; // end(false) throws ClosedByInterruptException
                }
                int n = out.write(src);
                completed = true;
                return n;
            } finally {
                end(completed);
            }
        }

        @Override
        protected void implCloseChannel() {
            resume.complete(null);
        }
    }

    /**
     * An output nobody reads any more (a closed pipe, a dropped remote session): Gogo's
     * {@code PrintStream} swallows the write errors, so without a check the command would go on
     * taking up to the limit's elements from the source, holding it open, for nothing.
     */
    @Test
    void anOutputThatFailsEndsTheCommandAndClosesTheSource() {
        Ticks ticks = new Ticks(Duration.ZERO);
        goflow.streamSources().register("ticks", ticks);
        OutputStream closed = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        AtomicInteger lines = new AtomicInteger();
        PrintStream gone = new PrintStream(closed, true, StandardCharsets.UTF_8) {
            @Override
            public void println(String x) {
                if (lines.incrementAndGet() > 2) { // the header and one element get through
                    super.println(x);
                }
            }
        };
        GoFlowException e = assertThrows(GoFlowException.class,
                () -> run.stream(gone, "ticks", String.valueOf(RunCommands.MAX_LIMIT)));
        assertEquals("goflow:stream: the output is closed (nobody reads it any more) after 1 elements; source 'ticks'"
                + " closed", e.getMessage());
        assertEquals(1, ticks.closed.get(), "the source is closed");
        assertEquals(3, lines.get(), "nothing taken from the source after the failed write");
        Eventually.until(() -> !printerThreadRuns("goflow:stream ticks"));
    }

    /** Ctrl-C while the line being printed fails: the command still ends as interrupted, quietly. */
    @Test
    void anInterruptWhileTheOutputFailsEndsTheCommandAsInterrupted() throws Exception {
        Ticks ticks = new Ticks(Duration.ZERO);
        goflow.streamSources().register("ticks", ticks);
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        PrintStream failing = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8) {
            @Override
            public void println(String x) {
                if (x.startsWith("2  ")) {
                    writing.countDown();
                    try {
                        interrupted.await(); // the printer thread: nobody interrupts it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    setError(); // that write failed: nobody reads the output any more
                }
            }
        };
        StreamCommand command = new StreamCommand(failing, "ticks", "1000");
        try {
            assertTrue(writing.await(30, TimeUnit.SECONDS));
            command.thread.interrupt(); // Ctrl-C, while that write has not returned
            interrupted.countDown();
            command.join();
            command.assertEndedInterrupted();
            assertEquals(1, ticks.closed.get(), "the source is closed");
        } finally {
            interrupted.countDown();
            command.end();
        }
    }

    @Test
    void theLimitIsAWholeNumberFromOneToTheMaximum() {
        Ticks ticks = new Ticks(Duration.ZERO);
        goflow.streamSources().register("ticks", ticks);
        for (String bad : List.of("0", "-1", "100001", "10000000000", "99999999999999999999", "abc", "1.5", "")) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> stream("ticks", bad), bad);
            assertEquals("goflow:stream", e.component());
            assertEquals("limit", e.field());
            assertEquals("must be a whole number from 1 to 100000", e.rule());
            assertTrue(e.getMessage().startsWith("goflow:stream: invalid limit="), e.getMessage());
            assertTrue(e.getMessage().contains(bad.isEmpty() ? "\"\"" : bad), e.getMessage());
        }
        assertEquals("goflow:stream: invalid limit=100001 (must be a whole number from 1 to 100000)"
                + " - how many elements to print; Ctrl-C stops sooner",
                assertThrows(InvalidConfigException.class, () -> stream("ticks", "100001")).getMessage());
        assertEquals("goflow:stream: invalid limit=\"abc\" (must be a whole number from 1 to 100000)"
                + " - how many elements to print; Ctrl-C stops sooner",
                assertThrows(InvalidConfigException.class, () -> stream("ticks", "abc")).getMessage());
        assertEquals(0, ticks.opened.get(), "a bad limit opens nothing");
        String all = stream("ticks", "100000");
        assertTrue(all.endsWith("\n100000  100000\n"), "the maximum is allowed");
    }

    @Test
    void aFailingSourceIsReportedWithHowFarItGotAndIsClosed() {
        AtomicInteger closed = new AtomicInteger();
        StreamSource<Integer> failing = ctx -> new StreamSource.Cursor<>() {
            private int next;

            @Override
            public boolean tryAdvance(Context c, Consumer<? super Integer> action) {
                if (next == 2) {
                    throw new AssertionError("boom");
                }
                action.accept(++next);
                return true;
            }

            @Override
            public void close() {
                closed.incrementAndGet();
            }
        };
        goflow.streamSources().register("failing", failing);
        GoFlowException e = assertThrows(GoFlowException.class, () -> stream("failing", "10"));
        assertEquals("goflow:stream: source 'failing' failed after 2 elements: java.lang.AssertionError: boom",
                e.getMessage());
        assertTrue(e.getCause() instanceof AssertionError);
        assertEquals(1, closed.get());

        goflow.streamSources().register("throwing", ctx -> {
            throw new IllegalStateException("cannot open");
        });
        GoFlowException open = assertThrows(GoFlowException.class, () -> stream("throwing", "10"));
        assertTrue(open.getMessage().startsWith("goflow:stream: source 'throwing' failed after 0 elements: "),
                open.getMessage());
    }

    /**
     * A source's failure often quotes what it read (a malformed record, a file's name): that text
     * reaches the console in the command's error, so its terminal escapes are shown escaped as an
     * element's are, and the error is one line.
     */
    @Test
    void aSourcesFailureIsShownWithItsControlCharactersEscaped() {
        goflow.streamSources().register("hostile", ctx -> new StreamSource.Cursor<Object>() {
            @Override
            public boolean tryAdvance(Context c, Consumer<? super Object> action) {
                throw new IllegalStateException("bad record \u001b[2J\u001b]0;pwned\u0007\nnext");
            }
        });
        GoFlowException e = assertThrows(GoFlowException.class, () -> stream("hostile", "10"));
        assertEquals("goflow:stream: source 'hostile' failed after 0 elements: java.lang.IllegalStateException:"
                + " bad record \\u001b[2J\\u001b]0;pwned\\u0007\\nnext", e.getMessage());
        assertTrue(e.getCause() instanceof IllegalStateException, "the failure itself is the cause, as it was");
    }

    @Test
    void anUnknownSourceIsNamedWithTheSourcesThatExist() {
        goflow.streamSources().register("numbers", new Ticks(Duration.ZERO));
        GoFlowException e = assertThrows(GoFlowException.class, () -> stream("nope", "3"));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("numbers"), e.getMessage());
        Eventually.until(() -> !printerThreadRuns("goflow:stream nope")); // nothing left behind
    }

    @Test
    void anElementsTerminalEscapesAndOtherControlCharactersAreShownEscapedNotSentToTheTerminal() {
        // ESC [ 2 J clears the screen, ESC ] 0 ; ... BEL sets the window title: printed raw, they act on the console
        String shown = RunCommands.show("a\u001b[2J\u001b]0;pwned\u0007b\tc\u2028d");
        assertEquals("a\\u001b[2J\\u001b]0;pwned\\u0007b\\tc\\u2028d", shown);
        for (char c : shown.toCharArray()) {
            assertFalse(Character.isISOControl(c), () -> "control character " + (int) c + " in " + shown);
        }
        // nor half a character where a long element is cut
        String emoji = "x".repeat(RunCommands.MAX_ELEMENT_CHARS - 1) + "\ud83d\ude00y";
        assertEquals("x".repeat(RunCommands.MAX_ELEMENT_CHARS - 1) + "... (3 more characters)", RunCommands.show(emoji));
    }

    /**
     * An element whose toString() throws an Error (its class's bundle refreshed away) is shown as
     * such, and the stream goes on: the source did not fail.
     */
    @Test
    void anElementWhoseToStringThrowsAnErrorIsShownAndTheStreamGoesOn() {
        Object unloadable = new Object() {
            @Override
            public String toString() {
                throw new NoClassDefFoundError("plugin/Gone");
            }
        };
        goflow.streamSources().register("mixed", ctx -> new StreamSource.Cursor<Object>() {
            private final List<Object> elements = List.of("a", unloadable, "c");
            private int next;

            @Override
            public boolean tryAdvance(Context c, Consumer<? super Object> action) {
                if (next == elements.size()) {
                    return false;
                }
                action.accept(elements.get(next++));
                return true;
            }
        });
        assertEquals(""
                + "#  element\n"
                + "1  a\n"
                + "2  <toString() failed: java.lang.NoClassDefFoundError: plugin/Gone>\n"
                + "3  c\n", stream("mixed", "10"));
    }

    @Test
    void eachElementIsOneLineOfBoundedLength() {
        assertEquals("a\\nb\\r", RunCommands.show("a\nb\r"));
        assertEquals("null", RunCommands.show(null));
        String longText = "x".repeat(RunCommands.MAX_ELEMENT_CHARS + 5);
        assertEquals("x".repeat(RunCommands.MAX_ELEMENT_CHARS) + "... (5 more characters)", RunCommands.show(longText));
        Object bad = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no text");
            }
        };
        assertEquals("<toString() failed: java.lang.IllegalStateException: no text>", RunCommands.show(bad));
    }
}

package goflow.impl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import goflow.api.context.Context;
import goflow.api.io.AsyncWriter;
import goflow.api.io.WriteFailedException;
import goflow.api.io.WriterStats;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Async;
import goflow.impl.testing.Eventually;

/** Review of {@link AsyncWriterImpl} at its edges: interrupts left behind by user code on its thread. */
@Timeout(60)
class WriterEdgeReviewTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "test");
    private final Context bg = Context.background();
    private final List<WriteFailedException> reported = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    /** A stream over an interruptible channel: an interrupt during (or before) a write closes it. */
    private static OutputStream fileChannelStream(Path file) throws IOException {
        return Channels.newOutputStream(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * An output that, on its first call, leaves the interrupt flag of the calling thread set (as code
     * that "restores the interrupt" after catching an InterruptedException does), over an output
     * that an interrupt closes for good (a {@link FileChannel} stream).
     */
    private static final class LeavesInterruptSet extends OutputStream {
        private final OutputStream file;
        private final AtomicBoolean first = new AtomicBoolean(true);

        LeavesInterruptSet(OutputStream file) {
            this.file = file;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            file.write(b, off, len);
            if (first.getAndSet(false)) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void flush() throws IOException {
            file.flush();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    /**
     * Only a close that gives up interrupts the background thread. An interrupt flag left set by
     * the output (or the error callback, or anyone else) must not reach the next output call: an
     * interruptible output such as a file channel would close itself there, and every later write
     * would fail for good (while the idle thread, whose parks return at once, spun on a core).
     */
    @Test
    void anInterruptLeftSetByTheOutputDoesNotBreakTheNextWrite() throws Exception {
        Path file = dir.resolve("out.log");
        AsyncWriter w = goflow.asyncWriter().name("stray").output(new LeavesInterruptSet(fileChannelStream(file)))
                .capacity(64).flushThreshold(64).flushInterval(Duration.ZERO).maxRetries(1).retryDelay(Duration.ZERO)
                .onError(reported::add).build();
        w.write(bg, ascii("one "));
        w.flush(bg);
        w.write(bg, ascii("two"));
        w.flush(bg); // before the fix: WriteFailedException (java.nio.channels.ClosedByInterruptException)
        w.close(Duration.ofDays(1));
        assertEquals("one two", Files.readString(file, StandardCharsets.US_ASCII));
        assertEquals(List.of(), reported);
        assertEquals(new WriterStats(7, 7, 0, 0, 2, 0, 0, 64, true), w.stats());
    }

    /** The same for an interrupt of the idle background thread by someone else. */
    @Test
    void aStrayInterruptOfTheIdleBackgroundThreadDoesNotBreakTheNextWrite() throws Exception {
        Path file = dir.resolve("out.log");
        AsyncWriter w = goflow.asyncWriter().name("idle").output(fileChannelStream(file))
                .capacity(64).flushThreshold(64).flushInterval(Duration.ZERO).maxRetries(1).retryDelay(Duration.ZERO)
                .onError(reported::add).build();
        w.write(bg, ascii("one "));
        w.flush(bg);
        Thread flusher = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("goflow-async-writer-idle-1")).findFirst().orElseThrow();
        flusher.interrupt();
        w.write(bg, ascii("two"));
        w.flush(bg);
        w.close(Duration.ofDays(1));
        assertEquals("one two", Files.readString(file, StandardCharsets.US_ASCII));
        assertEquals(List.of(), reported);
        assertEquals(new WriterStats(7, 7, 0, 0, 2, 0, 0, 64, true), w.stats());
    }

    /**
     * Closing writes everything accepted "with the usual retries". A close that comes while the
     * background thread reports a failed flush (here: from the error callback's time) must still try
     * the output: it may have recovered. It used to give up at once, discarding the bytes without a
     * single attempt of its own.
     */
    @Test
    void aCloseThatComesWhileAFailedFlushIsReportedStillTriesTheOutput() throws Exception {
        TestStreams.Recording out = new TestStreams.Recording();
        CountDownLatch inCallback = new CountDownLatch(1);
        AtomicReference<AsyncWriter> writer = new AtomicReference<>();
        AsyncWriter w = goflow.asyncWriter().name("recovers").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).maxRetries(0).retryDelay(Duration.ZERO).onError(e -> {
                    reported.add(e);
                    inCallback.countDown();
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (!writer.get().isClosed() && System.nanoTime() - end < 0) {
                        Thread.onSpinWait(); // until the close below has begun
                    }
                }).build();
        writer.set(w);
        w.write(bg, ascii("kept"));
        out.failNext.set(1); // the flush fails once; the output then works again
        CompletableFuture<Void> closer = Async.start(() -> {
            inCallback.await();
            w.close();
            return null;
        });
        try {
            w.flush(bg);
        } catch (WriteFailedException failed) {
            // the failed round; unless the close's round has written and flushed the bytes first
        }
        closer.get(30, TimeUnit.SECONDS);
        assertEquals("kept", out.text(), "the close wrote what the failed flush could not");
        assertEquals(new WriterStats(4, 4, 0, 0, 1, 1, 0, 64, true), w.stats());
        assertEquals(1, reported.size());
    }

    /**
     * The flush interval bounds how long a byte waits in the buffer. A byte accepted while a slow
     * round was writing older bytes has waited since it was accepted: once that round ends, it is
     * written as soon as its interval is up, not a whole interval after the round ended (the timer
     * used to restart there, so such a byte waited the round's length plus the interval).
     */
    @Test
    void aByteAcceptedDuringASlowRoundWaitsNoLongerThanTheInterval() throws Exception {
        TestStreams.Recording out = new TestStreams.Recording();
        out.gate = new CountDownLatch(1); // the output hangs until released
        AsyncWriter w = goflow.asyncWriter().name("late").output(out).capacity(100).flushThreshold(100)
                .flushInterval(Duration.ofSeconds(1)).clock(clock).build();
        w.write(bg, ascii("a"));
        Eventually.until(() -> clock.parkedThreads() >= 1);
        clock.advance(Duration.ofSeconds(1)); // "a" is due: the round starts and hangs in the output
        Eventually.until(() -> out.writeCalls.get() == 1);
        clock.advance(Duration.ofMillis(500));
        w.write(bg, ascii("b")); // accepted during the round, at 1.5 s
        clock.advance(Duration.ofSeconds(2)); // 3.5 s: "b" has waited 2 s, twice its interval
        out.gate.countDown();
        Eventually.until(() -> out.text().equals("ab")); // with no more time passing
        assertEquals(2, w.stats().flushes());
        w.close();
    }

    /** A Writer that fails its next {@code failures} writes. */
    private static final class FailingWriter extends StringWriter {
        final AtomicInteger failures = new AtomicInteger();

        @Override
        public void write(char[] cbuf, int off, int len) {
            if (failures.getAndDecrement() > 0) {
                throw new UncheckedIOException(new IOException("writer hiccup"));
            }
            super.write(cbuf, off, len);
        }
    }

    /**
     * A character cut off for good is written as its replacement when its bytes were written
     * (AsyncWriterTest.aCharacterCutOffForGoodIsReplacedAlsoWhenTheOutputStaysOpen); when closing
     * discarded them, nothing of them may reach the output.
     */
    @Test
    void aCutOffCharacterWhoseBytesWereDiscardedIsNotWrittenAsAReplacement() throws Exception {
        FailingWriter out = new FailingWriter();
        AsyncWriter w = goflow.asyncWriter().name("discarded").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).maxRetries(0).retryDelay(Duration.ZERO).onError(reported::add).build();
        w.write(bg, "ok ");
        w.flush(bg);
        out.failures.set(2); // the flush below and the close
        w.write(bg, new byte[] {'x', (byte) 0xE2}); // ends with the first byte of a character
        assertThrows(WriteFailedException.class, () -> w.flush(bg));
        WriteFailedException report = assertThrows(WriteFailedException.class, () -> w.close(Duration.ofDays(1)));
        assertTrue(report.getMessage().contains("closed with 2 accepted bytes not written"), report.getMessage());
        assertEquals(new WriterStats(5, 3, 0, 2, 1, 2, 0, 64, true), w.stats());
        assertEquals("ok ", out.toString(), "the discarded bytes are not written, not even as a replacement");
    }

    /** The other way round: written bytes of a character whose rest was discarded are replaced. */
    @Test
    void aWrittenCharacterStartWhoseRestWasDiscardedIsWrittenAsAReplacement() throws Exception {
        FailingWriter out = new FailingWriter();
        AsyncWriter w = goflow.asyncWriter().name("cut").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).maxRetries(0).retryDelay(Duration.ZERO).onError(reported::add).build();
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        w.write(bg, "ok ");
        w.write(bg, euro, 0, 1);
        w.flush(bg); // the first byte of the euro sign is written
        out.failures.set(2);
        w.write(bg, euro, 1, 2);
        w.write(bg, "x");
        assertThrows(WriteFailedException.class, () -> w.flush(bg));
        assertThrows(WriteFailedException.class, () -> w.close(Duration.ofDays(1)));
        assertEquals(new WriterStats(7, 4, 0, 3, 1, 2, 0, 64, true), w.stats());
        assertEquals("ok \uFFFD", out.toString(), "its written byte is a character cut off for good");
    }
}

package goflow.impl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.context.Context;
import goflow.api.io.AsyncWriter;
import goflow.api.io.BufferFullException;
import goflow.api.io.WriteFailedException;
import goflow.api.io.WriterStats;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Async;
import goflow.impl.testing.Eventually;

/** Review of {@link AsyncWriterImpl} at fault paths: odd throwables from the output, a callback that writes. */
@Timeout(60)
class AsyncWriterOutputEdgesTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "test");
    private final Context bg = Context.background();
    private final List<WriteFailedException> reported = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    /**
     * An output written in a language without checked exceptions (Kotlin, Scala, Groovy) or with
     * Lombok's {@code @SneakyThrows} may throw a checked exception that is not an IOException. The
     * javadoc: "Whatever the output throws ... is retried"; the writer must not treat it as a failure
     * of its own thread and close.
     */
    @Test
    void aCheckedNonIoExceptionFromTheOutputIsRetriedNotAFlusherFailure() throws Exception {
        AtomicInteger failures = new AtomicInteger(1);
        TestStreams.Recording out = new TestStreams.Recording() {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (failures.getAndDecrement() > 0) {
                    sneakyThrow(new Exception("checked, not an IOException"));
                }
                super.write(b, off, len);
            }
        };
        AsyncWriter w = goflow.asyncWriter().name("sneaky").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).maxRetries(2).retryDelay(Duration.ZERO).onError(reported::add).build();
        w.write(bg, ascii("accepted"));
        w.flush(bg);
        assertEquals("accepted", out.text());
        assertFalse(w.isClosed(), "a throwable from the output is a failed attempt, not a flusher failure");
        assertEquals(new WriterStats(8, 8, 0, 0, 1, 1, 0, 64, false), w.stats());
        assertEquals(List.of(), reported);
        w.close();
    }

    /**
     * The error callback runs on the background thread; a callback that logs the failure into the
     * same writer (a common pattern for an access log) while the buffer is full must not wait for room
     * that only its own thread can make: that hangs the writer for ever (and every flush with it).
     */
    @Test
    void aCallbackWritingIntoAFullWriterDoesNotDeadlockTheBackgroundThread() throws Exception {
        TestStreams.Recording out = new TestStreams.Recording();
        out.alwaysFail = true;
        List<Throwable> callbackWrite = new CopyOnWriteArrayList<>();
        AsyncWriter[] self = new AsyncWriter[1];
        AsyncWriter w = goflow.asyncWriter().name("selflog").output(out).capacity(8).flushThreshold(8)
                .flushInterval(Duration.ZERO).maxRetries(0).retryDelay(Duration.ZERO).onError(e -> {
                    reported.add(e);
                    try {
                        self[0].write(bg, ascii("E\n"));
                    } catch (Throwable t) {
                        callbackWrite.add(t);
                    }
                }).build();
        self[0] = w;
        w.write(bg, ascii("12345678")); // full
        CompletableFuture<Void> flush = Async.start(() -> {
            w.flush(bg);
            return null;
        });
        Throwable failure = null;
        try {
            flush.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            failure = e.getCause();
        } catch (java.util.concurrent.TimeoutException timeout) {
            throw new AssertionError("flush() hangs: the callback's write waits for room on the flusher thread", timeout);
        }
        assertTrue(failure instanceof WriteFailedException, String.valueOf(failure));
        // one failed flush or two (the threshold's automatic one may fail before the explicit one):
        // each callback's write into the full buffer is refused
        assertFalse(callbackWrite.isEmpty(), "the callback ran and its write was refused");
        for (Throwable refused : callbackWrite) {
            assertTrue(refused instanceof BufferFullException, String.valueOf(refused));
            assertTrue(refused.getMessage().contains("background thread"), refused.getMessage());
        }
        out.alwaysFail = false;
        w.flush(bg);
        assertEquals("12345678", out.text());
        w.close();
    }

    /**
     * The output runs on the background thread too (an output that logs through the writer it
     * belongs to): its write into a full buffer is refused as the callback's is, and the refusal
     * names the output, not only the error callback (it used to blame the callback alone).
     */
    @Test
    void anOutputWritingIntoItsOwnFullWriterIsRefusedNamingTheOutput() throws Exception {
        List<Throwable> selfWrite = new CopyOnWriteArrayList<>();
        AsyncWriter[] self = new AsyncWriter[1];
        TestStreams.Recording out = new TestStreams.Recording() {
            @Override
            void received(byte[] b, int off, int len) {
                if (selfWrite.isEmpty()) {
                    try {
                        self[0].write(bg, ascii("12345678")); // the buffer still holds what is being written
                    } catch (Throwable t) {
                        selfWrite.add(t);
                    }
                }
            }
        };
        AsyncWriter w = goflow.asyncWriter().name("loop").output(out).capacity(8).flushThreshold(8)
                .flushInterval(Duration.ZERO).build();
        self[0] = w;
        w.write(bg, ascii("abcdefgh"));
        w.flush(bg);
        assertEquals(1, selfWrite.size());
        assertTrue(selfWrite.get(0) instanceof BufferFullException, String.valueOf(selfWrite.get(0)));
        assertEquals("async writer 'loop' is full: no room for 8 bytes (0 of 8 free) and this write comes from its"
                + " own background thread (from the output or the error callback, which run on it), which alone"
                + " makes room: it cannot wait", selfWrite.get(0).getMessage());
        w.close();
        assertEquals("abcdefgh", out.text());
    }

    /**
     * A flush from the writer's own thread (here the error callback) would wait for that thread:
     * it is refused with IllegalStateException, as flush()'s javadoc says, and the writer goes on.
     */
    @Test
    void aFlushFromTheErrorCallbackIsRefusedAndTheWriterGoesOn() throws Exception {
        TestStreams.Recording out = new TestStreams.Recording();
        out.failNext.set(1);
        List<Throwable> callbackFlush = new CopyOnWriteArrayList<>();
        AsyncWriter[] self = new AsyncWriter[1];
        AsyncWriter w = goflow.asyncWriter().name("selfflush").output(out).capacity(8).flushThreshold(8)
                .flushInterval(Duration.ZERO).maxRetries(0).retryDelay(Duration.ZERO).onError(e -> {
                    try {
                        self[0].flush(bg);
                    } catch (Throwable t) {
                        callbackFlush.add(t);
                    }
                }).build();
        self[0] = w;
        w.write(bg, ascii("ab"));
        assertThrows(WriteFailedException.class, () -> w.flush(bg)); // the output fails once
        assertEquals(1, callbackFlush.size());
        assertTrue(callbackFlush.get(0) instanceof IllegalStateException, String.valueOf(callbackFlush.get(0)));
        assertEquals("async writer 'selfflush': flush() called from its own flusher thread",
                callbackFlush.get(0).getMessage());
        w.flush(bg);
        assertEquals("ab", out.text());
        w.close();
    }

    /**
     * The error callback runs on the background thread, so a {@code close(Duration)} called from it
     * cannot wait for that thread to write what is buffered: once the callback returns, the writer
     * gives those bytes up. The javadoc: close(Duration) "throws WriteFailedException if any
     * accepted byte was not written". It must say so to its caller (not return normally and
     * discard afterwards), count the bytes, and report the loss once, with its real reason.
     */
    @Test
    void closeWithATimeoutFromTheErrorCallbackReportsWhatItDiscards() throws Exception {
        TestStreams.Recording out = new TestStreams.Recording();
        out.alwaysFail = true;
        CompletableFuture<Throwable> closeFromCallback = new CompletableFuture<>();
        AsyncWriter[] self = new AsyncWriter[1];
        AsyncWriter w = goflow.asyncWriter().name("selfclose").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).maxRetries(1).retryDelay(Duration.ZERO).onError(e -> {
                    reported.add(e);
                    if (!closeFromCallback.isDone()) {
                        try {
                            self[0].close(Duration.ofSeconds(5));
                            closeFromCallback.complete(null);
                        } catch (Throwable t) {
                            closeFromCallback.complete(t);
                        }
                    }
                }).build();
        self[0] = w;
        w.write(bg, ascii("doomed"));
        CompletableFuture<Void> flushing = Async.start(() -> {
            w.flush(bg);
            return null;
        });
        Throwable thrown;
        try {
            thrown = closeFromCallback.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException timeout) {
            throw new AssertionError("close(Duration) from the error callback did not return", timeout);
        }
        assertTrue(thrown instanceof WriteFailedException,
                "close(Duration) from the callback returned normally although its 6 buffered bytes are discarded: "
                        + thrown);
        assertEquals("async writer 'selfclose': closed with 6 accepted bytes not written: writing to the output "
                + "failed 2 times: disk on fire (write)", thrown.getMessage());
        assertTrue(Async.failureOf(flushing) instanceof WriteFailedException);
        Eventually.until(() -> ((AsyncWriterImpl) w).stopped().isDone());
        assertEquals(new WriterStats(6, 0, 0, 6, 0, 2, 0, 64, true), w.stats());
        assertEquals(1, reported.size(), "reported once, by the flush that gave up: " + reported);
        WriteFailedException again = assertThrows(WriteFailedException.class, () -> w.close(Duration.ZERO));
        assertEquals(thrown.getMessage(), again.getMessage(), "a later close throws the same report");
        assertTrue(out.closed);
    }

    /** {@code close()} from the error callback neither waits for its own thread nor reports the loss twice. */
    @Test
    void closeFromTheErrorCallbackDoesNotDeadlockAndCountsTheDiscardedBytes() throws Exception {
        TestStreams.Recording out = new TestStreams.Recording();
        out.alwaysFail = true;
        CompletableFuture<Throwable> closeFromCallback = new CompletableFuture<>();
        AsyncWriter[] self = new AsyncWriter[1];
        AsyncWriter w = goflow.asyncWriter().name("selfclose2").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).maxRetries(0).retryDelay(Duration.ZERO).onError(e -> {
                    reported.add(e);
                    if (!closeFromCallback.isDone()) {
                        try {
                            self[0].close();
                            closeFromCallback.complete(null);
                        } catch (Throwable t) {
                            closeFromCallback.complete(t);
                        }
                    }
                }).build();
        self[0] = w;
        w.write(bg, ascii("gone"));
        CompletableFuture<Void> flushing = Async.start(() -> {
            w.flush(bg);
            return null;
        });
        assertEquals(null, closeFromCallback.get(20, TimeUnit.SECONDS), "close() never throws");
        assertTrue(w.isClosed());
        assertEquals(4, w.stats().bytesDiscarded(), "the loss is counted by the time close() returns");
        assertTrue(Async.failureOf(flushing) instanceof WriteFailedException);
        Eventually.until(() -> ((AsyncWriterImpl) w).stopped().isDone());
        assertEquals(new WriterStats(4, 0, 0, 4, 0, 1, 0, 64, true), w.stats());
        assertEquals(1, reported.size(), "reported once, by the flush that gave up: " + reported);
    }

    /**
     * The {@code OutputStream} view splits a write larger than the capacity into several writes;
     * when its thread is interrupted after some of them were accepted, the
     * {@link java.io.InterruptedIOException} must say how many bytes were (its
     * {@code bytesTransferred}, the standard field for exactly this), or a caller that retries the
     * rest writes those bytes twice.
     */
    @Test
    void anInterruptedSplitWriteOfTheStreamViewReportsTheBytesItTransferred() throws Exception {
        TestStreams.Recording out = new TestStreams.Recording();
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        out.gate = gate;
        AsyncWriter w = goflow.asyncWriter().output(out).capacity(4).flushThreshold(4)
                .flushInterval(Duration.ZERO).build();
        java.io.OutputStream os = w.asOutputStream();
        AtomicInteger transferred = new AtomicInteger(-1);
        java.util.concurrent.atomic.AtomicBoolean flagRestored = new java.util.concurrent.atomic.AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                os.write(ascii("0123456789"));
            } catch (java.io.InterruptedIOException e) {
                transferred.set(e.bytesTransferred);
                flagRestored.set(Thread.currentThread().isInterrupted());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        try {
            writer.start();
            // the first piece (4 bytes) is accepted, the flusher is stuck writing it, the second waits for room
            Eventually.until(() -> w.stats().bytesAccepted() == 4 && out.writeCalls.get() == 1
                    && writer.getState() == Thread.State.WAITING);
            writer.interrupt();
            writer.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(writer.isAlive());
            assertTrue(flagRestored.get(), "the interrupt flag is restored");
            assertEquals(4, transferred.get(), "bytesTransferred: the first piece was accepted and will be written");
        } finally {
            gate.countDown();
        }
        w.close();
        assertEquals("0123", out.text());
    }

    /**
     * A writer that does not block cannot take a stream write larger than its capacity whole: its
     * second piece finds the first still buffered (the output has not taken it yet) and is refused.
     * The view used to split it all the same, so the output got the first piece of the record, and
     * the caller an IOException that did not say so (it would retry all of it, writing that piece
     * twice). Such a write is refused whole, as write() refuses it.
     */
    @Test
    void aNonBlockingStreamViewRefusesAWriteLargerThanTheCapacityWhole() throws Exception {
        TestStreams.Recording out = new TestStreams.Recording();
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        out.gate = gate; // the output hangs until released
        AsyncWriter w = goflow.asyncWriter().name("nb").output(out).capacity(8).flushThreshold(8)
                .flushInterval(Duration.ZERO).blockWhenFull(false).build();
        java.io.OutputStream os = w.asOutputStream();
        IOException e;
        try {
            e = assertThrows(IOException.class, () -> os.write(ascii("0123456789AB")));
        } finally {
            gate.countDown();
        }
        assertTrue(e.getCause() instanceof BufferFullException, e.toString());
        assertEquals("async writer 'nb': a write of 12 bytes can never fit its buffer of 8 bytes;"
                + " split the write or raise the capacity", e.getMessage());
        os.write(ascii("01234567")); // a write that fits is taken
        w.close();
        assertEquals("01234567", out.text(), "nothing of the refused write reached the output");
        assertEquals(new WriterStats(8, 8, 0, 0, 1, 0, 1, 8, true), w.stats());
    }
}

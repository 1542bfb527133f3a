package goflow.impl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.Registration;
import goflow.api.context.Context;
import goflow.api.io.AsyncWriter;
import goflow.api.io.WriteFailedException;
import goflow.api.io.WriterStats;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Async;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/**
 * {@link AsyncWriterImpl} at the edges: an {@link Error} from the output, a flusher that cannot go
 * on, an output that blocks (and ignores interrupts) while the writer closes.
 */
@Timeout(60)
class AsyncWriterFaultTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "test");
    private final Context bg = Context.background();
    private final List<WriteFailedException> reported = new CopyOnWriteArrayList<>();
    /** Released after each test, so that no output stays blocked. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void closeGoflow() {
        release.countDown();
        goflow.close();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static <V> CompletableFuture<V> async(java.util.concurrent.Callable<V> call) {
        return Async.start(call);
    }


    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive() && t.getName().equals(name));
    }

    /** Throws an Error from the first {@code errors} write calls, then records. */
    private static final class ThrowingErrors extends TestStreams.Recording {
        final AtomicInteger errors;
        final java.util.function.Supplier<Error> error;

        ThrowingErrors(int errors, java.util.function.Supplier<Error> error) {
            this.errors = new AtomicInteger(errors);
            this.error = error;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (errors.getAndDecrement() > 0) {
                throw error.get();
            }
            super.write(b, off, len);
        }
    }

    /** Blocks every write until {@code release}, ignoring interrupts (it counts them), then records. */
    private final class Stuck extends OutputStream {
        final TestStreams.Recording recorded = new TestStreams.Recording();
        final CountDownLatch entered = new CountDownLatch(1);
        final AtomicInteger interrupts = new AtomicInteger();

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            entered.countDown();
            while (true) {
                try {
                    release.await();
                    break;
                } catch (InterruptedException e) {
                    interrupts.incrementAndGet();
                }
            }
            recorded.write(b, off, len);
        }

        @Override
        public void close() {
            recorded.close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // item 2: an Error from the output

    @Test
    void anErrorFromTheOutputIsRetriedAndCountedLikeAnyFailure() throws Exception {
        ThrowingErrors out = new ThrowingErrors(1, () -> new AssertionError("stream invariant broken"));
        AsyncWriter w = goflow.asyncWriter().name("log").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).maxRetries(2).retryDelay(Duration.ZERO).onError(reported::add).build();
        w.write(bg, ascii("accepted"));
        w.flush(bg);
        assertEquals("accepted", out.text());
        assertEquals(new WriterStats(8, 8, 0, 0, 1, 1, 0, 64, false), w.stats());
        assertEquals(List.of(), reported, "a retry succeeded: nothing to report");
        w.write(bg, ascii(" more"));
        w.flush(bg);
        assertEquals("accepted more", out.text());
        assertTrue(threadAlive("goflow-async-writer-log-1"), "the flusher lives on");
    }

    @Test
    void anOutputThatKeepsThrowingErrorsFailsTheFlushCallsOnErrorAndKeepsTheBytes() throws Exception {
        ThrowingErrors out = new ThrowingErrors(3, () -> new StackOverflowError("deep"));
        AsyncWriter w = goflow.asyncWriter().name("deep").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).maxRetries(2).retryDelay(Duration.ZERO).onError(reported::add).build();
        w.write(bg, ascii("keep me"));
        WriteFailedException e = assertThrows(WriteFailedException.class, () -> w.flush(bg));
        assertEquals("async writer 'deep': writing to the output failed 3 times: the output threw "
                + "java.lang.StackOverflowError: deep", e.getMessage());
        assertTrue(e.getCause().getCause() instanceof StackOverflowError, String.valueOf(e.getCause()));
        assertEquals(1, reported.size());
        assertFalse(w.isClosed());
        WriterStats s = w.stats();
        assertEquals(3, s.errors());
        assertEquals(7, s.bytesPending(), "the bytes stay buffered");
        // the writer goes on: the output recovers and everything arrives once
        w.write(bg, ascii("!"));
        w.flush(bg);
        assertEquals("keep me!", out.text());
        w.close();
        assertEquals(new WriterStats(8, 8, 0, 0, 1, 3, 0, 64, true), w.stats());
    }

    @Test
    void anErrorFromTheErrorCallbackIsLoggedAndTheWriterGoesOn() throws Exception {
        TestStreams.Recording out = new TestStreams.Recording();
        out.failNext.set(1);
        AtomicInteger calls = new AtomicInteger();
        AsyncWriter w = goflow.asyncWriter().name("cb").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).maxRetries(0).onError(e -> {
                    calls.incrementAndGet();
                    throw new AssertionError("callback bug");
                }).build();
        w.write(bg, ascii("first"));
        assertThrows(WriteFailedException.class, () -> w.flush(bg));
        assertEquals(1, calls.get());
        w.flush(bg); // the output works again; the flusher survived its callback's Error
        assertEquals("first", out.text());
        assertFalse(w.isClosed());
        assertTrue(threadAlive("goflow-async-writer-cb-1"));
    }

    /** A clock whose parkNanos throws {@code fail} once it is set: pool code, not the output, fails. */
    private static final class FailingClock implements Clock {
        final ManualClock delegate = new ManualClock();
        final AtomicReference<Error> fail = new AtomicReference<>();

        @Override
        public long nanoTime() {
            return delegate.nanoTime();
        }

        @Override
        public Instant instant() {
            return delegate.instant();
        }

        @Override
        public void parkNanos(Object blocker, long nanos) {
            Error e = fail.getAndSet(null);
            if (e != null) {
                throw e;
            }
            delegate.parkNanos(blocker, nanos);
        }

        @Override
        public Registration schedule(long deadlineNanos, Runnable action) {
            return delegate.schedule(deadlineNanos, action);
        }
    }

    @Test
    void whenTheFlusherCannotGoOnWritesFailLoudlyAndNothingIsSilentlyDropped() throws Exception {
        TestStreams.Recording out = new TestStreams.Recording();
        FailingClock failing = new FailingClock();
        AsyncWriter w = goflow.asyncWriter().name("dying").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).clock(failing).onError(reported::add).build();
        w.write(bg, ascii("pending"));
        InternalError boom = new InternalError("flusher bug");
        failing.fail.set(boom);
        Eventually.until(() -> !threadAlive("goflow-async-writer-dying-1"));
        assertTrue(w.isClosed(), "a writer without its flusher is closed");
        ClosedException refused = assertThrows(ClosedException.class, () -> w.write(bg, ascii("lost?")));
        assertEquals("async writer 'dying' is closed: its background thread failed (java.lang.InternalError: "
                + "flusher bug): cannot write", refused.getMessage());
        assertThrows(ClosedException.class, () -> w.tryWrite(ascii("x"), 0, 1));
        assertThrows(ClosedException.class, () -> w.flush(bg));
        WriterStats s = w.stats();
        assertEquals(new WriterStats(7, 0, 0, 7, 0, 1, 0, 64, true), s, "the 7 bytes are counted as discarded");
        assertEquals(1, reported.size());
        assertEquals("async writer 'dying': its background thread failed (java.lang.InternalError: flusher bug); "
                + "7 accepted bytes were not written", reported.get(0).getMessage());
        assertSame(boom, reported.get(0).getCause().getCause());
        w.close(); // returns at once
        WriteFailedException e = assertThrows(WriteFailedException.class, () -> w.close(Duration.ofSeconds(1)));
        assertEquals(reported.get(0).getMessage(), e.getMessage());
    }

    @Test
    void aFlushWaitingWhenTheFlusherDiesFailsInsteadOfReportingAClose() throws Exception {
        Stuck out = new Stuck();
        FailingClock failing = new FailingClock();
        AsyncWriter w = goflow.asyncWriter().name("w").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).clock(failing).maxRetries(0).build();
        w.write(bg, ascii("abc"));
        CompletableFuture<Void> flushing = async(() -> {
            w.flush(bg);
            return null;
        });
        assertTrue(out.entered.await(30, TimeUnit.SECONDS));
        failing.fail.set(new InternalError("after the write"));
        release.countDown();
        // the write completes; then the flusher dies when it parks: the flush succeeded or failed
        // with the reason, never "closed during the flush" on a writer that claims to be open
        try {
            flushing.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof WriteFailedException, String.valueOf(e.getCause()));
        }
        Eventually.until(() -> !threadAlive("goflow-async-writer-w-1"));
        assertTrue(w.isClosed());
        assertEquals("abc", out.recorded.text());
    }

    // ---------------------------------------------------------------------------------------------
    // item 3: closing with a blocked output

    @Test
    void closeWithATimeoutGivesUpOnABlockedOutputAndReportsWhatWasNotWritten() throws Exception {
        Stuck out = new Stuck();
        AsyncWriter w = goflow.asyncWriter().name("blocked").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).onError(reported::add).build();
        w.write(bg, ascii("0123456789"));
        CompletableFuture<Void> flushing = async(() -> {
            w.flush(bg);
            return null;
        });
        assertTrue(out.entered.await(30, TimeUnit.SECONDS));
        CompletableFuture<Void> closing = async(() -> {
            w.close(Duration.ofSeconds(5));
            return null;
        });
        Eventually.until(() -> w.isClosed() && clock.parkedThreads() >= 1);
        assertFalse(closing.isDone());
        clock.advance(Duration.ofSeconds(5));
        Throwable t = Async.failureOf(closing);
        assertTrue(t instanceof WriteFailedException, String.valueOf(t));
        assertEquals("async writer 'blocked': closed with 10 accepted bytes not written: the output did not return "
                + "within PT5S; its thread goflow-async-writer-blocked-1 was interrupted and is abandoned (it ends "
                + "when the output returns)", t.getMessage());
        assertTrue(t.getCause() instanceof java.io.InterruptedIOException, String.valueOf(t.getCause()));
        assertEquals(new WriterStats(10, 0, 0, 10, 0, 0, 0, 64, true), w.stats());
        assertEquals(1, reported.size());
        assertEquals(t.getMessage(), reported.get(0).getMessage());
        assertTrue(Async.failureOf(flushing) instanceof WriteFailedException);
        // the closer interrupts the stuck thread and returns; the thread counts the interrupt when it wakes
        Eventually.until(() -> out.interrupts.get() >= 1);
        assertTrue(threadAlive("goflow-async-writer-blocked-1"), "abandoned, not ended");
        assertTrue(goflow.registry().find("blocked").isEmpty(), "no longer listed");
        // a second close returns at once with the same report
        assertEquals(t.getMessage(), assertThrows(WriteFailedException.class,
                () -> w.close(Duration.ofSeconds(1))).getMessage());
        w.close();

        // the output finally returns: the call in flight did write its bytes, the thread ends
        release.countDown();
        Eventually.until(() -> !threadAlive("goflow-async-writer-blocked-1"));
        assertEquals("0123456789", out.recorded.text());
        assertEquals(new WriterStats(10, 10, 0, 0, 0, 0, 0, 64, true), w.stats(),
                "bytes the abandoned call wrote after all move from discarded to written");
        assertTrue(out.recorded.closed, "the flusher closes the output on its way out");
        assertEquals(1, reported.size());
    }

    /**
     * When a close gives up on a stuck output, the error callback runs on the closing thread. A
     * callback that closes the writer itself (close() is idempotent, "a second call waits for the
     * first to finish") must not wait for that first close, which is waiting for the callback: both
     * would hang until the output returns, however short the closer's timeout.
     */
    @Test
    void closeFromTheErrorCallbackOfAnAbandoningCloseDoesNotWaitForItself() throws Exception {
        Stuck out = new Stuck();
        CompletableFuture<Throwable> closeFromCallback = new CompletableFuture<>();
        AsyncWriter[] self = new AsyncWriter[1];
        AsyncWriter w = goflow.asyncWriter().name("selfclose").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).onError(e -> {
                    reported.add(e);
                    try {
                        self[0].close();
                        closeFromCallback.complete(null);
                    } catch (Throwable t) {
                        closeFromCallback.complete(t);
                    }
                }).build();
        self[0] = w;
        w.write(bg, ascii("0123456789"));
        CompletableFuture<Void> flushing = async(() -> {
            w.flush(bg);
            return null;
        });
        assertTrue(out.entered.await(30, TimeUnit.SECONDS));
        CompletableFuture<Void> closing = async(() -> {
            w.close(Duration.ofSeconds(5));
            return null;
        });
        Eventually.until(() -> w.isClosed() && clock.parkedThreads() >= 1);
        clock.advance(Duration.ofSeconds(5));
        Throwable t = Async.failureOf(closing);
        assertTrue(t instanceof WriteFailedException, String.valueOf(t));
        assertTrue(t.getMessage().startsWith("async writer 'selfclose': closed with 10 accepted bytes not written: "
                + "the output did not return within PT5S"), t.getMessage());
        assertEquals(null, closeFromCallback.get(20, TimeUnit.SECONDS), "close() from the callback returned");
        assertEquals(new WriterStats(10, 0, 0, 10, 0, 0, 0, 64, true), w.stats());
        assertEquals(1, reported.size());
        assertTrue(Async.failureOf(flushing) instanceof WriteFailedException);
        assertTrue(threadAlive("goflow-async-writer-selfclose-1"), "abandoned, not ended");
        release.countDown();
        Eventually.until(() -> !threadAlive("goflow-async-writer-selfclose-1"));
    }

    @Test
    void closeWithATimeoutOnAHealthyOutputWritesEverythingAndReturns() throws Exception {
        TestStreams.Recording out = new TestStreams.Recording();
        AsyncWriter w = goflow.asyncWriter().output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).build();
        w.write(bg, ascii("all of it"));
        w.close(Duration.ofSeconds(5));
        assertEquals("all of it", out.text());
        assertEquals(new WriterStats(9, 9, 0, 0, 1, 0, 0, 64, true), w.stats());
    }

    @Test
    void closeWithATimeoutReportsBytesTheOutputKeptRefusing() throws Exception {
        TestStreams.Recording out = new TestStreams.Recording();
        out.alwaysFail = true;
        AsyncWriter w = goflow.asyncWriter().name("refusing").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).maxRetries(1).retryDelay(Duration.ZERO).onError(reported::add).build();
        w.write(bg, ascii("doomed"));
        WriteFailedException e = assertThrows(WriteFailedException.class, () -> w.close(Duration.ofSeconds(5)));
        assertEquals("async writer 'refusing': closed with 6 accepted bytes not written: writing to the output "
                + "failed 2 times: disk on fire (write)", e.getMessage());
        assertEquals(new WriterStats(6, 0, 0, 6, 0, 2, 0, 64, true), w.stats());
        assertEquals(1, reported.size(), "the failure was reported once, by the flush that gave up");
    }

    /**
     * Every byte reached the output, and its final flush failed on every attempt: the output may not
     * have them (a file's buffer, a socket), as {@code BufferedOutputStream.close()} would say.
     */
    @Test
    void closeWithATimeoutReportsAFinalFlushTheOutputKeptRefusing() throws Exception {
        TestStreams.Recording out = new TestStreams.Recording();
        AsyncWriter w = goflow.asyncWriter().name("unflushed").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).maxRetries(1).retryDelay(Duration.ZERO).onError(reported::add).build();
        w.write(bg, ascii("written"));
        out.failFlushNext.set(Integer.MAX_VALUE);
        WriteFailedException e = assertThrows(WriteFailedException.class, () -> w.close(Duration.ofSeconds(5)));
        assertEquals("async writer 'unflushed': closed with every accepted byte given to the output, but its "
                + "final flush failed: writing to the output failed 2 times: injected flush failure", e.getMessage());
        assertEquals("written", out.text());
        assertEquals(1, reported.size(), "the failure was reported once, by the flush that gave up");
        assertSame(reported.get(0).getCause(), e.getCause());
        assertEquals(e.getMessage(), assertThrows(WriteFailedException.class, () -> w.close(Duration.ofSeconds(1)))
                .getMessage(), "a later call throws the same report");
        w.close(); // never throws
    }

    @Test
    void closeOfABlockedOutputHonoursInterruption() throws Exception {
        Stuck out = new Stuck();
        AsyncWriter w = goflow.asyncWriter().name("stuck").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).onError(reported::add).build();
        w.write(bg, ascii("abcdef"));
        CompletableFuture<Void> flushing = async(() -> {
            w.flush(bg);
            return null;
        });
        assertTrue(out.entered.await(30, TimeUnit.SECONDS));
        AtomicReference<Thread> closer = new AtomicReference<>();
        CompletableFuture<Boolean> closing = async(() -> {
            closer.set(Thread.currentThread());
            w.close();
            return Thread.currentThread().isInterrupted();
        });
        Eventually.until(() -> w.isClosed() && closer.get() != null
                && closer.get().getState() != Thread.State.RUNNABLE);
        closer.get().interrupt();
        assertTrue(closing.get(30, TimeUnit.SECONDS), "close returned, with the interrupt flag set again");
        assertEquals(new WriterStats(6, 0, 0, 6, 0, 0, 0, 64, true), w.stats());
        assertEquals(1, reported.size());
        assertTrue(reported.get(0).getMessage().startsWith("async writer 'stuck': closed with 6 accepted bytes not "
                + "written: the close was interrupted; its thread goflow-async-writer-stuck-1 was interrupted and is "
                + "abandoned"), reported.get(0).getMessage());
        assertTrue(Async.failureOf(flushing) instanceof WriteFailedException);
        release.countDown();
        Eventually.until(() -> !threadAlive("goflow-async-writer-stuck-1"));
    }

    @Test
    void closeWithATimeoutLetsAnOutputThatHonoursInterruptsEndCleanly() throws Exception {
        TestStreams.Recording out = new TestStreams.Recording();
        out.gate = new CountDownLatch(1); // throws IOException("interrupted") when interrupted
        AsyncWriter w = goflow.asyncWriter().name("polite").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).maxRetries(3).retryDelay(Duration.ofSeconds(1)).onError(reported::add)
                .build();
        w.write(bg, ascii("xyz"));
        CompletableFuture<Void> flushing = async(() -> {
            w.flush(bg);
            return null;
        });
        Eventually.until(() -> out.writeCalls.get() == 1);
        CompletableFuture<Void> closing = async(() -> {
            w.close(Duration.ofSeconds(2));
            return null;
        });
        Eventually.until(() -> w.isClosed() && clock.parkedThreads() >= 1);
        clock.advance(Duration.ofSeconds(2));
        Throwable t = Async.failureOf(closing);
        assertTrue(t instanceof WriteFailedException, String.valueOf(t));
        assertTrue(t.getMessage().startsWith("async writer 'polite': closed with 3 accepted bytes not written: "),
                t.getMessage());
        Eventually.until(() -> !threadAlive("goflow-async-writer-polite-1"));
        WriterStats s = w.stats();
        assertEquals(3, s.bytesDiscarded());
        assertEquals(0, s.bytesWritten());
        assertEquals(1, reported.size(), "reported once, however the race between closer and flusher went");
        assertTrue(Async.failureOf(flushing) instanceof WriteFailedException);
        assertEquals(1, out.writeCalls.get(), "no retry once the writer is being stopped");
        assertTrue(out.closed);
    }
}

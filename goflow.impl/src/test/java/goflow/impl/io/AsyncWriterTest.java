package goflow.impl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;

import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.io.AsyncWriter;
import goflow.api.io.AsyncWriterBuilder;
import goflow.api.io.BufferFullException;
import goflow.api.io.WriteFailedException;
import goflow.api.io.WriterStats;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Async;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/** {@link AsyncWriterImpl}: each operation, triggers, overflow, failure injection, close. */
@Timeout(60)
class AsyncWriterTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "test");
    private final Context bg = Context.background();
    private final TestStreams.Recording out = new TestStreams.Recording();

    @AfterEach
    void closeGoflow() {
        CountDownLatch g = out.gate;
        if (g != null) {
            g.countDown();
        }
        out.alwaysFail = false;
        goflow.close();
    }

    /** A writer whose only trigger is an explicit flush or close (no threshold, no interval). */
    private AsyncWriterBuilder manual(int capacity) {
        return goflow.asyncWriter().output(out).capacity(capacity).flushThreshold(capacity)
                .flushInterval(Duration.ZERO);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static <V> CompletableFuture<V> async(java.util.concurrent.Callable<V> call) {
        return Async.start(call);
    }


    // ---------------------------------------------------------------------------------------------
    // builder

    @Test
    void builderValidates() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> goflow.asyncWriter().build());
        assertEquals("async-writer: invalid output=null (must be set) - call output(OutputStream) or output(Writer)",
                e.getMessage());
        e = assertThrows(InvalidConfigException.class, () -> goflow.asyncWriter().capacity(0));
        assertEquals("async-writer: invalid capacity=0 (must be positive) - the buffer size in bytes", e.getMessage());
        e = assertThrows(InvalidConfigException.class,
                () -> goflow.asyncWriter().output(out).capacity(10).flushThreshold(11).build());
        assertEquals("flushThreshold", e.field());
        assertTrue(e.getMessage().contains("must not exceed capacity=10"), e.getMessage());
        e = assertThrows(InvalidConfigException.class, () -> goflow.asyncWriter().flushInterval(Duration.ofMillis(-1)));
        assertEquals("flushInterval", e.field());
        e = assertThrows(InvalidConfigException.class, () -> goflow.asyncWriter().maxRetries(-1));
        assertEquals("maxRetries", e.field());
        e = assertThrows(InvalidConfigException.class, () -> goflow.asyncWriter().output(out).output(new StringWriter()));
        assertTrue(e.getMessage().contains("was already set"), e.getMessage());
        e = assertThrows(InvalidConfigException.class, () -> goflow.asyncWriter().retryDelay(null));
        assertEquals("retryDelay", e.field());
        assertEquals(List.of(), goflow.registry().primitives(), "nothing half-made");
    }

    @Test
    void defaultsAndRegistry() {
        AsyncWriter w = goflow.asyncWriter().output(out).build();
        assertEquals("async-writer-1", w.name());
        assertEquals(Primitive.Kind.ASYNC_WRITER, w.kind());
        assertEquals(64 * 1024, w.capacity());
        assertEquals(Optional.of(w), goflow.registry().find("async-writer-1"));
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("goflow-async-writer-async-writer-1-1")));
        assertEquals(List.of("bytesAccepted", "bytesWritten", "bytesPending", "bytesDiscarded", "flushes", "errors",
                "overflows", "capacity", "closed"), new ArrayList<>(w.stats().toMap().keySet()));
        w.close();
        assertEquals(Optional.empty(), goflow.registry().find("async-writer-1"));
    }

    // ---------------------------------------------------------------------------------------------
    // write, flush, close

    @Test
    void flushWritesEverythingAcceptedBeforeIt() throws Exception {
        AsyncWriter w = manual(64).build();
        w.write(bg, ascii("hello "));
        w.write(bg, ascii("xxworldxx"), 2, 5);
        w.write(bg, "!");
        assertEquals(new WriterStats(12, 0, 12, 0, 0, 0, 0, 64, false), w.stats());
        assertEquals("", out.text(), "nothing is written before a trigger");
        w.flush(bg);
        assertEquals("hello world!", out.text());
        assertEquals(new WriterStats(12, 12, 0, 0, 1, 0, 0, 64, false), w.stats());
        w.flush(bg); // nothing pending: returns at once, no extra flush counted
        assertEquals(1, w.stats().flushes());
    }

    @Test
    void closeWritesTheRestStopsTheThreadAndRefusesWrites() throws Exception {
        AsyncWriter w = manual(64).name("log").build();
        w.write(bg, ascii("last words"));
        w.close();
        w.close(); // idempotent
        assertEquals("last words", out.text());
        assertTrue(out.closed, "the output is closed by default");
        assertTrue(w.isClosed());
        assertTrue(w.stats().closed());
        ClosedException e = assertThrows(ClosedException.class, () -> w.write(bg, ascii("more")));
        assertEquals("async writer 'log' is closed: cannot write", e.getMessage());
        assertThrows(ClosedException.class, () -> w.tryWrite(ascii("x"), 0, 1));
        assertThrows(ClosedException.class, () -> w.flush(bg));
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().contains("async-writer-log")));
    }

    @Test
    void closeReturnsOnlyOnceTheFlusherThreadHasEnded() throws Exception {
        // The flusher completes the close in its last lines; close() must also wait for the
        // thread to end (a race that CI hit once in ~900 tests): repeated to give it a chance.
        for (int i = 0; i < 200; i++) {
            String threadName = "goflow-async-writer-ends-" + i + "-1";
            AsyncWriter w = goflow.asyncWriter().name("ends-" + i).output(new StringWriter()).capacity(16)
                    .flushInterval(Duration.ZERO).build();
            w.write(bg, "x");
            Thread flusher = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals(threadName)).findFirst().orElseThrow();
            w.close();
            assertFalse(flusher.isAlive(), "the flusher of round " + i + " is still alive after close()");
        }
    }

    @Test
    void closeOutputFalseLeavesTheOutputOpen() {
        AsyncWriter w = manual(8).closeOutput(false).build();
        w.close();
        assertFalse(out.closed);
    }

    @Test
    void aCapacityAbove1GiBIsRefusedNamingTheField() {
        // above it the ring's head + count could overflow an int (and Integer.MAX_VALUE failed in
        // build() with an OutOfMemoryError instead of naming the field)
        for (int bytes : new int[] {(1 << 30) + 1, Integer.MAX_VALUE}) {
            var e = assertThrows(goflow.api.InvalidConfigException.class,
                    () -> goflow.asyncWriter().output(new StringWriter()).capacity(bytes));
            assertEquals("capacity", e.field());
            assertEquals("must be at most 1073741824 (1 GiB)", e.rule());
        }
    }

    @Test
    void aCharsetThatMarksEveryEncodingIsRefusedAndItsFixedEndianFormsWriteCleanly() throws Exception {
        // each write(CharSequence) is encoded on its own: UTF-16 (big-endian with a byte-order mark)
        // put a mark between every two writes, which a Writer output got as U+FEFF characters
        var e = assertThrows(goflow.api.InvalidConfigException.class,
                () -> goflow.asyncWriter().output(new StringWriter()).charset(StandardCharsets.UTF_16));
        assertEquals("charset", e.field());
        assertTrue(e.getMessage().contains("UTF-16") && e.getMessage().contains("byte-order mark"), e.getMessage());
        StringWriter sw = new StringWriter();
        AsyncWriter w = goflow.asyncWriter().output(sw).charset(StandardCharsets.UTF_16LE).capacity(64)
                .flushInterval(Duration.ZERO).build();
        w.write(bg, "a");
        w.write(bg, "b");
        w.flush(bg);
        assertEquals("ab", sw.toString());
        w.close();
    }

    @Test
    void writerOutputDecodesWithTheCharsetAcrossSplitCharacters() throws Exception {
        StringWriter sw = new StringWriter();
        AsyncWriter w = goflow.asyncWriter().output(sw).charset(StandardCharsets.UTF_8).capacity(64)
                .flushInterval(Duration.ZERO).build();
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // 3 bytes
        w.write(bg, "Grüße ");
        w.write(bg, euro, 0, 1);
        w.flush(bg); // a flush boundary inside a character
        w.write(bg, euro, 1, 2);
        w.write(bg, " 5");
        w.flush(bg);
        assertEquals("Grüße € 5", sw.toString());
        w.close();
    }

    @Test
    void sizeThresholdTriggersAWrite() throws Exception {
        AsyncWriter w = goflow.asyncWriter().output(out).capacity(100).flushThreshold(10)
                .flushInterval(Duration.ZERO).build();
        w.write(bg, ascii("123456789"));
        w.write(bg, ascii("0"));
        Eventually.until(() -> out.text().equals("1234567890"));
        assertEquals(1, w.stats().flushes());
    }

    @Test
    void intervalFlushUsesTheInjectedClock() throws Exception {
        AsyncWriter w = goflow.asyncWriter().output(out).capacity(100).flushInterval(Duration.ofSeconds(1)).build();
        w.write(bg, ascii("tick"));
        Eventually.until(() -> clock.parkedThreads() >= 1); // the flusher sleeps on the manual clock
        clock.advance(Duration.ofMillis(999));
        Eventually.until(() -> clock.parkedThreads() >= 1);
        assertEquals(0, w.stats().bytesWritten(), "not yet due");
        clock.advance(Duration.ofMillis(1));
        Eventually.until(() -> out.text().equals("tick"));
        assertEquals(new WriterStats(4, 4, 0, 0, 1, 0, 0, 100, false), w.stats());
    }

    // ---------------------------------------------------------------------------------------------
    // full buffer

    @Test
    void nonBlockingWriterFailsFastWhenFull() throws Exception {
        out.gate = new CountDownLatch(1); // the output hangs until released
        AsyncWriter w = goflow.asyncWriter().name("fast").output(out).capacity(10).flushThreshold(10)
                .flushInterval(Duration.ZERO).blockWhenFull(false).build();
        w.write(bg, ascii("0123456789")); // full; the flusher starts writing and hangs in the output
        Eventually.until(() -> out.writeCalls.get() == 1);
        BufferFullException e = assertThrows(BufferFullException.class, () -> w.write(bg, ascii("x")));
        assertEquals("async writer 'fast' is full: no room for 1 bytes (0 of 10 free) and it does not block;"
                + " retry later or let it block", e.getMessage());
        assertFalse(w.tryWrite(ascii("y"), 0, 1));
        assertEquals(2, w.stats().overflows());
        out.gate.countDown();
        w.flush(bg);
        assertTrue(w.tryWrite(ascii("z"), 0, 1));
        w.close();
        assertEquals("0123456789z", out.text(), "refused writes left no trace");
    }

    @Test
    void writeLargerThanCapacityIsRefused() {
        AsyncWriter w = manual(8).name("small").build();
        BufferFullException e = assertThrows(BufferFullException.class, () -> w.write(bg, new byte[9]));
        assertEquals("async writer 'small': a write of 9 bytes can never fit its buffer of 8 bytes;"
                + " split the write or raise the capacity", e.getMessage());
        assertThrows(BufferFullException.class, () -> w.tryWrite(new byte[9], 0, 9));
        assertEquals(new WriterStats(0, 0, 0, 0, 0, 0, 2, 8, false), w.stats());
    }

    @Test
    void blockingWriterWaitsForRoomAndKeepsOrder() throws Exception {
        out.gate = new CountDownLatch(1);
        AsyncWriter w = goflow.asyncWriter().output(out).capacity(10).flushThreshold(10)
                .flushInterval(Duration.ZERO).build();
        w.write(bg, ascii("0123456789"));
        Eventually.until(() -> out.writeCalls.get() == 1);
        CompletableFuture<Void> blocked = async(() -> {
            w.write(bg, ascii("abc"));
            return null;
        });
        Thread.sleep(20); // give the writer time to block (contention only; not an assertion)
        assertFalse(blocked.isDone());
        out.gate.countDown();
        blocked.get(30, TimeUnit.SECONDS);
        w.flush(bg);
        assertEquals("0123456789abc", out.text());
    }

    @Test
    void blockedWriteIsCancelledByItsContextAndLeavesNoBytes() throws Exception {
        out.gate = new CountDownLatch(1);
        AsyncWriter w = goflow.asyncWriter().output(out).capacity(10).flushThreshold(10)
                .flushInterval(Duration.ZERO).build();
        w.write(bg, ascii("0123456789"));
        CancellableContext ctx = bg.withCancel();
        CompletableFuture<Void> blocked = async(() -> {
            w.write(ctx, ascii("never"));
            return null;
        });
        Eventually.until(() -> out.writeCalls.get() == 1);
        ctx.cancel();
        assertTrue(Async.failureOf(blocked) instanceof CancelledException);
        out.gate.countDown();
        w.close();
        assertEquals("0123456789", out.text());
        assertEquals(10, w.stats().bytesAccepted());
    }

    @Test
    void blockedWriteFailsWhenTheWriterIsClosed() throws Exception {
        out.gate = new CountDownLatch(1);
        AsyncWriter w = goflow.asyncWriter().output(out).capacity(4).flushThreshold(4)
                .flushInterval(Duration.ZERO).build();
        w.write(bg, ascii("abcd"));
        Eventually.until(() -> out.writeCalls.get() == 1);
        CompletableFuture<Void> blocked = async(() -> {
            w.write(bg, ascii("e"));
            return null;
        });
        Thread.sleep(20); // let it block (contention only)
        CompletableFuture<Void> closing = async(() -> {
            w.close();
            return null;
        });
        assertTrue(Async.failureOf(blocked) instanceof ClosedException);
        out.gate.countDown();
        closing.get(30, TimeUnit.SECONDS);
        assertEquals("abcd", out.text());
    }

    // ---------------------------------------------------------------------------------------------
    // failures

    @Test
    void failuresAreRetriedOnTheClockAndNothingIsDuplicated() throws Exception {
        out.failNext.set(2);
        AsyncWriter w = manual(64).maxRetries(3).retryDelay(Duration.ofSeconds(1)).build();
        w.write(bg, ascii("payload"));
        CompletableFuture<Void> flushing = async(() -> {
            w.flush(bg);
            return null;
        });
        Eventually.until(() -> w.stats().errors() == 1);
        clock.advance(Duration.ofSeconds(1));
        Eventually.until(() -> w.stats().errors() == 2);
        assertFalse(flushing.isDone());
        clock.advance(Duration.ofSeconds(1));
        flushing.get(30, TimeUnit.SECONDS);
        assertEquals("payload", out.text());
        assertEquals(new WriterStats(7, 7, 0, 0, 1, 2, 0, 64, false), w.stats());
    }

    @Test
    void failureInTheMiddleOfAWrappedBufferResumesAtTheFailedSegment() throws Exception {
        AsyncWriter w = manual(10).maxRetries(1).retryDelay(Duration.ZERO).build();
        w.write(bg, ascii("abcdef"));
        w.flush(bg); // write call 1; head is now at 6
        w.write(bg, ascii("ghijklmn")); // wraps: 4 bytes at the end of the ring, 4 at its start
        out.failCallNumber = 3; // the second segment of the next flush fails once
        w.flush(bg);
        assertEquals("abcdefghijklmn", out.text());
        assertEquals(4, out.writeCalls.get());
        assertEquals(new WriterStats(14, 14, 0, 0, 2, 1, 0, 10, false), w.stats());
    }

    @Test
    void persistentFailureIsReportedThenRecovered() throws Exception {
        List<WriteFailedException> reported = new CopyOnWriteArrayList<>();
        out.alwaysFail = true;
        AsyncWriter w = manual(64).name("disk").maxRetries(2).retryDelay(Duration.ZERO).onError(reported::add).build();
        w.write(bg, ascii("keep me"));
        WriteFailedException e = assertThrows(WriteFailedException.class, () -> w.flush(bg));
        assertEquals("async writer 'disk': writing to the output failed 3 times: disk on fire (write)", e.getMessage());
        assertEquals("disk on fire (write)", e.getCause().getMessage());
        assertEquals(1, reported.size());
        WriterStats s = w.stats();
        assertEquals(3, s.errors());
        assertEquals(7, s.bytesPending(), "failed bytes stay buffered");
        assertEquals(0, s.bytesWritten());
        out.alwaysFail = false; // the disk recovers: the same bytes go out once
        w.write(bg, ascii("!"));
        w.flush(bg);
        assertEquals("keep me!", out.text());
        assertEquals(0, w.stats().bytesPending());
    }

    @Test
    void closeGivesUpOnAnOutputThatKeepsFailing() {
        List<WriteFailedException> reported = new CopyOnWriteArrayList<>();
        out.alwaysFail = true;
        AsyncWriter w = manual(64).maxRetries(1).retryDelay(Duration.ZERO).onError(reported::add).build();
        assertTimeoutPreemptively(() -> {
            w.write(bg, ascii("doomed"));
            w.close();
        });
        WriterStats s = w.stats();
        assertEquals(new WriterStats(6, 0, 0, 6, 0, 2, 0, 64, true), s);
        assertEquals(1, reported.size());
        assertTrue(out.closed);
    }

    @Test
    void failingFlushOfTheOutputIsRetriedWithoutRewritingBytes() throws Exception {
        AsyncWriter w = manual(64).maxRetries(2).retryDelay(Duration.ZERO).build();
        w.write(bg, ascii("data"));
        out.failFlushNext.set(2);
        w.flush(bg);
        assertEquals("data", out.text());
        assertEquals(1, out.writeCalls.get(), "the bytes were written once; only the output's flush was retried");
        assertEquals(new WriterStats(4, 4, 0, 0, 1, 2, 0, 64, false), w.stats());
    }

    private static void assertTimeoutPreemptively(org.junit.jupiter.api.function.Executable body) {
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), body);
    }

    @Test
    void flushWaitIsCancelledByItsContext() throws Exception {
        out.gate = new CountDownLatch(1);
        AsyncWriter w = manual(64).build();
        w.write(bg, ascii("slow"));
        CancellableContext ctx = bg.withCancel();
        CompletableFuture<Void> flushing = async(() -> {
            w.flush(ctx);
            return null;
        });
        Eventually.until(() -> out.writeCalls.get() == 1);
        ctx.cancel();
        assertTrue(Async.failureOf(flushing) instanceof CancelledException);
        out.gate.countDown();
        w.flush(bg); // the flush went on in the background
        assertArrayEquals(ascii("slow"), out.bytes());
    }

    @Test
    void outputStreamViewSplitsLargeWritesAndMapsErrors() throws Exception {
        AsyncWriter w = manual(8).name("view").build();
        java.io.OutputStream os = w.asOutputStream();
        assertTrue(os == w.asOutputStream());
        try (java.io.PrintStream ps = new java.io.PrintStream(os, false, StandardCharsets.UTF_8)) {
            ps.print("a line longer than the buffer\n");
            ps.write('!');
            ps.flush();
            assertEquals("a line longer than the buffer\n!", out.text());
        }
        assertTrue(w.isClosed(), "closing the view closes the writer");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> os.write(1));
        assertEquals("async writer 'view' is closed: cannot write", e.getMessage());
        assertTrue(e.getCause() instanceof ClosedException);
    }

    @Test
    void failingWriterOutputIsRetriedWithoutDuplicatedCharacters() throws Exception {
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger(2);
        StringWriter sw = new StringWriter() {
            @Override
            public void write(char[] cbuf, int off, int len) {
                if (failures.getAndDecrement() > 0) {
                    throw new java.io.UncheckedIOException(new java.io.IOException("writer hiccup"));
                }
                super.write(cbuf, off, len);
            }
        };
        AsyncWriter w = goflow.asyncWriter().output(sw).capacity(64).flushInterval(Duration.ZERO)
                .maxRetries(3).retryDelay(Duration.ZERO).build();
        w.write(bg, "naïve ");
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        w.write(bg, euro, 0, 2); // a character cut in two by the flush below
        w.flush(bg);
        w.write(bg, euro, 2, 1);
        w.flush(bg);
        assertEquals("naïve €", sw.toString());
        assertEquals(2, w.stats().errors());
        w.write(bg, new byte[] {(byte) 0xE2}); // a character that never completes
        w.close();
        assertEquals("naïve €\uFFFD", sw.toString(), "replaced when the writer closes");
    }

    @Test
    void aCharacterCutOffForGoodIsReplacedAlsoWhenTheOutputStaysOpen() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean outputClosed = new java.util.concurrent.atomic.AtomicBoolean();
        StringWriter sw = new StringWriter() {
            @Override
            public void close() {
                outputClosed.set(true);
            }
        };
        AsyncWriter w = goflow.asyncWriter().output(sw).closeOutput(false).capacity(64)
                .flushInterval(Duration.ZERO).build();
        w.write(bg, "ok ");
        w.write(bg, new byte[] {(byte) 0xE2}); // a character that never completes
        w.close();
        assertEquals(4, w.stats().bytesWritten(), "the byte is counted as written");
        assertEquals("ok \uFFFD", sw.toString(), "so it is written: as the replacement character");
        assertFalse(outputClosed.get(), "and the output stays open");
    }
}

package goflow.impl.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.ClosedException;
import goflow.api.GoFlow;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.stream.Stream;
import goflow.api.stream.StreamClosedException;
import goflow.api.stream.StreamException;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/** Single use, close hooks in every ending, cancellation, close(), failures. */
@Timeout(30)
class StreamLifecycleTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "test");
    private final Context ctx = Context.background(clock);

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    // ---- single use ---------------------------------------------------------------------------

    @Test
    void aSecondTerminalOperationFailsClearly() throws Exception {
        Stream<Integer> s = goflow.stream(List.of(1, 2));
        assertEquals(2, s.count(ctx));
        var e = assertThrows(StreamClosedException.class, () -> s.toList(ctx));
        assertTrue(e.getMessage().matches("stream 'stream-\\d+' was already used by count\\(\\): cannot apply "
                + "toList\\(\\); a stream is single use.*"), e.getMessage());
        assertInstanceOf(ClosedException.class, e);
        assertTrue(s.isClosed());
    }

    @Test
    void anOnCloseRacingCloseIsEitherRunOnceOrRefused() throws Exception {
        // close() takes the hooks under the chain's lock; onClose must check and add under the same
        // lock, or a hook added just after the close took them is accepted and never run.
        // 20 000 rounds take ~2 s on a quiet machine; under heavy load each hand-off to the common
        // pool is slower, so the rounds also stop after 10 s (the race window is per round).
        long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; i < 20_000 && (i < 1_000 || System.nanoTime() - stopAt < 0); i++) {
            Stream<Integer> s = goflow.stream(List.of(1));
            AtomicInteger ran = new AtomicInteger();
            CompletableFuture<Void> closer = CompletableFuture.runAsync(s::close);
            boolean added;
            try {
                s.onClose(ran::incrementAndGet);
                added = true;
            } catch (StreamClosedException e) {
                added = false;
            }
            closer.join();
            assertEquals(added ? 1 : 0, ran.get(), "round " + i + ": a hook " + (added ? "accepted" : "refused"));
        }
    }

    @Test
    void aStreamObjectTakesOneOperation() throws Exception {
        Stream<Integer> s = goflow.stream(List.of(1, 2));
        Stream<Integer> doubled = s.map(x -> x * 2);
        var e = assertThrows(StreamClosedException.class, () -> s.filter(x -> true));
        assertTrue(e.getMessage().contains("was already used by map(): cannot apply filter()"), e.getMessage());
        assertThrows(StreamClosedException.class, () -> s.count(ctx));
        assertEquals(List.of(2, 4), doubled.toList(ctx));
    }

    @Test
    void nothingCanBeDerivedAfterTheChainEnded() throws Exception {
        Stream<Integer> s = goflow.stream(List.of(1, 2));
        Stream<Integer> mapped = s.map(x -> x);
        Stream<Integer> filtered = mapped.filter(x -> true);
        filtered.count(ctx);
        assertTrue(s.isClosed() && mapped.isClosed() && filtered.isClosed());
        assertThrows(StreamClosedException.class, () -> filtered.limit(1));
    }

    @Test
    void closeBeforeATerminalRunsTheHooksAndRefusesOperations() {
        TrackingSource source = new TrackingSource(3);
        AtomicInteger hook = new AtomicInteger();
        java.util.stream.Stream<Integer> jdk = java.util.stream.Stream.of(1).onClose(hook::incrementAndGet);
        Stream<Integer> s = goflow.streams().fromStream(jdk).onClose(hook::incrementAndGet);
        s.close();
        s.close();
        assertEquals(2, hook.get());
        assertTrue(s.isClosed());
        var e = assertThrows(StreamClosedException.class, () -> s.map(x -> x));
        assertTrue(e.getMessage().matches("stream 'stream-\\d+' is closed: cannot apply map\\(\\).*"), e.getMessage());
        // A cursor is opened only by a terminal operation, so closing first opens nothing.
        goflow.streams().fromSource(source).close();
        assertEquals(0, source.opened.get());
        assertEquals(0, source.closed.get());
    }

    // ---- close hooks in every ending ----------------------------------------------------------

    @Test
    void hooksRunOnSuccess() throws Exception {
        TrackingSource source = new TrackingSource(3);
        AtomicInteger user = new AtomicInteger();
        assertEquals(List.of(1, 2, 3), goflow.streams().fromSource(source).onClose(user::incrementAndGet).toList(ctx));
        assertEquals(1, source.opened.get());
        assertEquals(1, source.closed.get());
        assertEquals(1, user.get());
    }

    @Test
    void hooksRunOnEarlyStop() throws Exception {
        TrackingSource source = new TrackingSource(1000);
        assertEquals(List.of(1, 2), goflow.streams().fromSource(source).limit(2).toList(ctx));
        assertEquals(2, source.read.get());
        assertEquals(1, source.closed.get());

        TrackingSource second = new TrackingSource(1000);
        assertTrue(goflow.streams().fromSource(second).anyMatch(ctx, x -> x == 5));
        assertEquals(5, second.read.get());
        assertEquals(1, second.closed.get());
    }

    @Test
    void hooksRunWhenAUserFunctionFails() {
        TrackingSource source = new TrackingSource(10);
        Stream<Integer> s = goflow.streams().fromSource(source).peek(x -> {
            if (x == 3) {
                throw new IllegalArgumentException("bad " + x);
            }
        });
        var e = assertThrows(IllegalArgumentException.class, () -> s.forEach(ctx, x -> { }));
        assertEquals("bad 3", e.getMessage());
        assertEquals(1, source.closed.get());
        assertTrue(s.isClosed());
    }

    @Test
    void aSourceFailureIsWrappedAndTheHooksRun() {
        TrackingSource source = new TrackingSource(10).failingAt(3);
        List<Integer> seen = new ArrayList<>();
        var e = assertThrows(StreamException.class,
                () -> goflow.streams().fromSource(source).forEach(ctx, seen::add));
        assertTrue(e.getMessage().matches("stream 'stream-\\d+': reading the source failed: .*disk on fire at 3"),
                e.getMessage());
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals(List.of(1, 2), seen);
        assertEquals(1, source.closed.get());
    }

    @Test
    void aFailingCloseHookIsReportedAfterSuccessAndSuppressedAfterFailure() throws Exception {
        TrackingSource source = new TrackingSource(2).failingOnClose(new IOException("close failed"));
        AtomicInteger later = new AtomicInteger();
        Stream<Integer> s = goflow.streams().fromSource(source).onClose(later::incrementAndGet);
        var e = assertThrows(StreamException.class, () -> s.toList(ctx));
        assertTrue(e.getMessage().contains("a close hook failed"), e.getMessage());
        assertEquals("close failed", e.getCause().getMessage());
        assertEquals(1, later.get(), "the other hooks still run");

        TrackingSource both = new TrackingSource(5).failingAt(2).failingOnClose(new IOException("close failed"));
        var f = assertThrows(StreamException.class, () -> goflow.streams().fromSource(both).toList(ctx));
        assertInstanceOf(IOException.class, f.getCause());
        assertEquals("disk on fire at 2", f.getCause().getMessage());
        assertEquals("close failed", f.getSuppressed()[0].getMessage());
    }

    @Test
    void innerStreamsOfFlatMapAreClosed() throws Exception {
        List<TrackingSource> inner = new ArrayList<>();
        List<Integer> out = goflow.stream(List.of(1, 2, 3)).flatMap(x -> {
            TrackingSource src = new TrackingSource(2);
            inner.add(src);
            return goflow.streams().fromSource(src);
        }).limit(3).toList(ctx);
        assertEquals(List.of(1, 2, 1), out);
        assertEquals(2, inner.size());
        for (TrackingSource src : inner) {
            assertEquals(1, src.closed.get());
        }
    }

    @Test
    void closingAnInnerStreamOfFlatMapWhileItRunsStopsTheRunAndClosesItsSourceAfterTheLastRead() {
        TrackingSource src = new TrackingSource(5);
        List<Stream<Integer>> inner = new ArrayList<>();
        List<Integer> seen = new ArrayList<>();
        var e = assertThrows(StreamClosedException.class, () -> goflow.stream(List.of(1)).flatMap(x -> {
            Stream<Integer> s = goflow.streams().fromSource(src);
            inner.add(s);
            return s;
        }).forEach(ctx, v -> {
            seen.add(v);
            if (v == 2) {
                inner.get(0).close(); // as a watchdog on another thread would
            }
        }));
        // names the stream that was closed, the inner one: "Stream[stream-7, closed]" -> stream-7
        String innerName = inner.get(0).toString().replaceAll("^Stream\\[([^,\\]]+).*$", "$1");
        assertEquals("stream '" + innerName + "' was closed during forEach()", e.getMessage());
        assertEquals(List.of(1, 2), seen);
        assertEquals(1, src.closed.get());
        assertEquals(0, src.readAfterClose.get(), "the cursor was read after it was closed");
        assertTrue(inner.get(0).isClosed());
    }

    @Test
    void closeableIteratorsAreClosed() throws Exception {
        AtomicInteger closed = new AtomicInteger();
        class Closing implements java.util.Iterator<Integer>, AutoCloseable {
            private int n;

            @Override
            public boolean hasNext() {
                return n < 3;
            }

            @Override
            public Integer next() {
                return n++;
            }

            @Override
            public void close() {
                closed.incrementAndGet();
            }
        }
        assertEquals(3, goflow.streams().fromIterator(new Closing()).count(ctx));
        assertEquals(1, closed.get());
    }

    // ---- cancellation ---------------------------------------------------------------------------

    @Test
    void cancellingMidForEachStopsAtTheNextElement() {
        TrackingSource source = new TrackingSource(100);
        List<Integer> seen = new ArrayList<>();
        try (CancellableContext c = ctx.withCancel()) {
            var e = assertThrows(CancelledException.class, () -> goflow.streams().fromSource(source).forEach(c, x -> {
                seen.add(x);
                if (x == 3) {
                    c.cancel();
                }
            }));
            assertEquals("context cancelled", e.getMessage());
        }
        assertEquals(List.of(1, 2, 3), seen);
        assertEquals(3, source.read.get());
        assertEquals(1, source.closed.get());
    }

    @Test
    void cancellingAnInfiniteStreamFromAnotherThreadStopsIt() throws Exception {
        AtomicInteger generated = new AtomicInteger();
        try (CancellableContext c = Context.background().withCancel()) {
            CompletableFuture<Throwable> result = CompletableFuture.supplyAsync(() -> {
                try {
                    goflow.streams().generate(generated::incrementAndGet).map(x -> x + 1).count(c);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Eventually.until(() -> generated.get() > 1000);
            c.cancel();
            assertInstanceOf(CancelledException.class, result.get());
        }
    }

    @Test
    void anAlreadyDoneContextRunsNothingButClosesTheSource() {
        TrackingSource source = new TrackingSource(3);
        CancellableContext c = ctx.withCancel();
        c.cancel();
        assertThrows(CancelledException.class, () -> goflow.streams().fromSource(source).toList(c));
        assertEquals(0, source.read.get());
        assertEquals(source.opened.get(), source.closed.get());
    }

    @Test
    void aDeadlineStopsABlockedSource() {
        TrackingSource source = new TrackingSource(2).blockingAtEnd();
        try (CancellableContext c = ctx.withTimeout(Duration.ofSeconds(5))) {
            CompletableFuture<Throwable> result = CompletableFuture.supplyAsync(() -> {
                try {
                    goflow.streams().fromSource(source).toList(c);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Eventually.until(() -> source.read.get() == 2 && clock.parkedThreads() > 0);
            clock.advance(Duration.ofSeconds(5));
            assertInstanceOf(DeadlineExceededException.class, result.join());
        }
        assertEquals(1, source.closed.get());
    }

    @Test
    void closeFromAnotherThreadStopsARunningTerminal() {
        TrackingSource source = new TrackingSource(1).blockingAtEnd();
        Stream<Integer> s = goflow.streams().fromSource(source);
        CompletableFuture<Throwable> result = CompletableFuture.supplyAsync(() -> {
            try {
                s.toList(Context.background());
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Eventually.until(() -> source.read.get() == 1);
        s.close();
        Throwable t = result.join();
        assertInstanceOf(StreamClosedException.class, t);
        assertTrue(t.getMessage().matches("stream 'stream-\\d+' was closed during toList\\(\\)"), t.getMessage());
        assertEquals(1, source.closed.get());
        assertTrue(s.isClosed());
    }

    @Test
    void streamsCannotBeCreatedAfterGoflowIsClosed() {
        goflow.close();
        var e = assertThrows(ClosedException.class, () -> goflow.stream(List.of(1)));
        assertEquals("goflow is closed: cannot create a stream", e.getMessage());
        assertFalse(e instanceof StreamClosedException);
    }
}

package goflow.impl.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.GoFlow;
import goflow.api.Registration;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.stream.SourceStats;
import goflow.api.stream.StreamException;
import goflow.api.stream.StreamSource;
import goflow.api.stream.StreamSources;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/** The statistics of named sources: per name, across re-registration, in every ending. */
class SourceStatsTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "test");
    private final StreamSources sources = goflow.streamSources();
    private final Context ctx = Context.background();

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    private SourceStats stats(String name) {
        return sources.stats(name).orElseThrow();
    }

    /** opened, open, elements, failures, closed. */
    private static void assertCounts(SourceStats s, long opened, long open, long elements, long failures,
            long closed) {
        assertEquals(List.of(opened, open, elements, failures, closed),
                List.of(s.opened(), s.open(), s.elements(), s.failures(), s.closed()), s::toString);
        assertEquals(s.opened(), s.open() + s.closed(), "opened == open + closed");
    }

    @Test
    void countsArePerName() throws Exception {
        sources.register("orders", new TrackingSource(3));
        TrackingSource audit = new TrackingSource(1);
        sources.register("audit", audit);
        assertCounts(stats("orders"), 0, 0, 0, 0, 0);
        assertTrue(stats("orders").lastOpenedTime().isEmpty());
        Instant start = clock.instant();
        clock.advance(Duration.ofSeconds(5));

        assertEquals(List.of(1, 2, 3), goflow.streams().named("orders", Integer.class).toList(ctx));
        assertEquals(6, goflow.streams().named("orders", Integer.class).reduce(ctx, 0, Integer::sum));
        goflow.streams().named("audit", Integer.class).toList(ctx);

        assertCounts(stats("orders"), 2, 0, 6, 0, 2);
        assertCounts(stats("audit"), 1, 0, 1, 0, 1);
        assertEquals(Optional.of(start.plusSeconds(5)), stats("orders").lastOpenedTime());
        assertEquals(List.of("audit", "orders"), List.copyOf(sources.stats().keySet()), "sorted by name");
        assertEquals(stats("audit"), sources.stats().get("audit"));
        assertTrue(sources.stats("nope").isEmpty());
        assertTrue(sources.stats(null).isEmpty());

        goflow.streams().fromSource(sources.find("audit").orElseThrow()).toList(ctx);
        assertCounts(stats("audit"), 1, 0, 1, 0, 1);
        assertEquals(2, audit.opened.get(), "a source found and streamed with fromSource is not counted");
    }

    @Test
    void countsContinueWhenASourceIsReplacedUnderTheSameName() throws Exception {
        Registration first = sources.register("orders", new TrackingSource(3));
        goflow.streams().named("orders", Integer.class).toList(ctx);
        first.close();

        SourceStats gone = stats("orders");
        assertFalse(gone.bound());
        assertCounts(gone, 1, 0, 3, 0, 1);
        assertTrue(sources.names().isEmpty());
        assertEquals(Map.of("orders", gone), sources.stats(), "kept while nothing is bound");

        sources.register("orders", new TrackingSource(2));
        assertTrue(stats("orders").bound());
        goflow.streams().named("orders", Integer.class).toList(ctx);
        assertCounts(stats("orders"), 2, 0, 5, 0, 2);
    }

    @Test
    void openCursorsAreCountedAndClosedOnSuccessAndEarlyStop() throws Exception {
        sources.register("numbers", new TrackingSource(100));
        assertEquals(List.of(1, 2), goflow.streams().named("numbers", Integer.class).limit(2).toList(ctx));
        assertEquals(Optional.of(1), goflow.streams().named("numbers", Integer.class).findFirst(ctx));
        assertTrue(goflow.streams().named("numbers", Integer.class).anyMatch(ctx, x -> x == 3));
        assertCounts(stats("numbers"), 3, 0, 2 + 1 + 3, 0, 3);

        // a stream closed before its terminal operation never opens a cursor
        goflow.streams().named("numbers", Integer.class).close();
        assertCounts(stats("numbers"), 3, 0, 6, 0, 3);
    }

    @Test
    void failuresOfOpenAndAdvanceAreCountedAndTheCursorIsClosed() {
        sources.register("broken", new TrackingSource(5).failingAt(3));
        assertThrows(StreamException.class, () -> goflow.streams().named("broken", Integer.class).toList(ctx));
        assertCounts(stats("broken"), 1, 0, 2, 1, 1);

        sources.register("unopenable", c -> {
            throw new IOException("no such file");
        });
        assertThrows(StreamException.class, () -> goflow.streams().named("unopenable", Integer.class).toList(ctx));
        sources.register("null-cursor", c -> null);
        var n = assertThrows(StreamException.class,
                () -> goflow.streams().named("null-cursor", Integer.class).toList(ctx));
        assertTrue(n.getMessage().contains("(" + SourceStatsTest.class.getName()), "names the user's class: " + n);
        assertCounts(stats("unopenable"), 0, 0, 0, 1, 0);
        assertCounts(stats("null-cursor"), 0, 0, 0, 1, 0);

        sources.register("liar", (StreamSource<Integer>) c -> new StreamSource.Cursor<Integer>() {
            @Override
            public boolean tryAdvance(Context cc, java.util.function.Consumer<? super Integer> action) {
                return true;
            }
        });
        var liar = assertThrows(StreamException.class, () -> goflow.streams().named("liar", Integer.class).toList(ctx));
        assertTrue(liar.getMessage().contains("(" + SourceStatsTest.class.getName()), "names the user's class: " + liar);
        assertCounts(stats("liar"), 1, 0, 0, 1, 1); // no element, and the broken contract is a failure

        sources.register("close-fails", new TrackingSource(1).failingOnClose(new IOException("flush")));
        assertThrows(StreamException.class, () -> goflow.streams().named("close-fails", Integer.class).toList(ctx));
        assertCounts(stats("close-fails"), 1, 0, 1, 0, 1);

        sources.register("downstream-fails", new TrackingSource(5));
        assertThrows(IllegalStateException.class, () -> goflow.streams().named("downstream-fails", Integer.class)
                .forEach(ctx, x -> {
                    throw new IllegalStateException("sink");
                }));
        assertCounts(stats("downstream-fails"), 1, 0, 1, 0, 1);
    }

    /**
     * A source that gives up on a context of its own (a per-read or per-connect timeout) while the
     * stream's context is live fails the stream with that exception: a failure of the source,
     * counted as one; only giving up on the stream's own context is not.
     */
    @Test
    void aSourceGivingUpOnItsOwnContextIsAFailure() {
        CancellableContext own = ctx.withCancel();
        own.cancel();
        sources.register("own-timeout-read", (StreamSource<Integer>) c -> new StreamSource.Cursor<Integer>() {
            @Override
            public boolean tryAdvance(Context cc, Consumer<? super Integer> action) {
                own.throwIfDone();
                return false;
            }
        });
        assertThrows(CancelledException.class, () -> goflow.streams().named("own-timeout-read", Integer.class)
                .toList(ctx));
        assertCounts(stats("own-timeout-read"), 1, 0, 0, 1, 1);

        sources.register("own-timeout-open", (StreamSource<Integer>) c -> {
            own.throwIfDone();
            return null;
        });
        assertThrows(CancelledException.class, () -> goflow.streams().named("own-timeout-open", Integer.class)
                .toList(ctx));
        assertCounts(stats("own-timeout-open"), 0, 0, 0, 1, 0);
    }

    /** An action kept past its call and used later is refused, naming the source and the cursor. */
    @Test
    void anElementPassedAfterTheAdvanceReturnedIsRefused() throws Exception {
        AtomicReference<Consumer<? super Integer>> kept = new AtomicReference<>();
        sources.register("keeper", (StreamSource<Integer>) c -> new StreamSource.Cursor<Integer>() {
            @Override
            public boolean tryAdvance(Context cc, Consumer<? super Integer> action) {
                if (kept.get() != null) {
                    return false;
                }
                kept.set(action);
                action.accept(1);
                return true;
            }
        });
        assertEquals(List.of(1), goflow.streams().named("keeper", Integer.class).toList(ctx));
        var late = assertThrows(IllegalStateException.class, () -> kept.get().accept(2));
        assertTrue(late.getMessage().contains("'keeper'") && late.getMessage().contains(SourceStatsTest.class.getName()),
                "names the source and the cursor's class: " + late.getMessage());
        assertCounts(stats("keeper"), 1, 0, 1, 0, 1);
    }

    @Test
    void cancellationClosesTheCursorAndIsNotAFailure() throws Exception {
        sources.register("numbers", new TrackingSource(100));
        try (CancellableContext c = ctx.withCancel()) {
            assertThrows(CancelledException.class, () -> goflow.streams().named("numbers", Integer.class)
                    .forEach(c, x -> {
                        if (x == 3) {
                            c.cancel();
                        }
                    }));
        }
        assertCounts(stats("numbers"), 1, 0, 3, 0, 1);

        CancellableContext done = ctx.withCancel();
        done.cancel();
        assertThrows(CancelledException.class, () -> goflow.streams().named("numbers", Integer.class).toList(done));
        SourceStats s = stats("numbers");
        assertEquals(s.opened(), s.closed());
        assertEquals(0, s.open());
    }

    @Test
    void aBlockedCursorIsOpenWhileItRunsAndClosedWhenCancelled() throws Exception {
        GoFlow real = new GoFlowImpl(Clock.system(), "real");
        try (real) {
            real.streamSources().register("waiting", new TrackingSource(2).blockingAtEnd());
            try (CancellableContext c = ctx.withCancel()) {
                CompletableFuture<Throwable> run = CompletableFuture.supplyAsync(() -> {
                    try {
                        real.streams().named("waiting", Integer.class).toList(c);
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                });
                Eventually.until(() -> real.streamSources().stats("waiting").orElseThrow().elements() == 2);
                assertCounts(real.streamSources().stats("waiting").orElseThrow(), 1, 1, 2, 0, 0);
                c.cancel();
                assertTrue(run.get(30, TimeUnit.SECONDS) instanceof CancelledException);
            }
            assertCounts(real.streamSources().stats("waiting").orElseThrow(), 1, 0, 2, 0, 1);

            // a deadline the stream meets while blocked at its end; long enough for the stream to be
            // opened first on a loaded machine (50 ms once passed before it was: opened stayed 1)
            try (CancellableContext c = ctx.withTimeout(Duration.ofSeconds(1))) {
                assertThrows(DeadlineExceededException.class,
                        () -> real.streams().named("waiting", Integer.class).toList(c));
            }
            assertCounts(real.streamSources().stats("waiting").orElseThrow(), 2, 0, 4, 0, 2);
        }
    }

    @Test
    void concurrentStreamsAreAllCounted() throws Exception {
        sources.register("numbers", new TrackingSource(1000));
        int threads = 4;
        int runs = 50;
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            all.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                    for (int i = 0; i < runs; i++) {
                        goflow.streams().named("numbers", Integer.class).limit(i % 2 == 0 ? 1000 : 10).count(ctx);
                        SourceStats s = stats("numbers");
                        if (s.open() < 0 || s.open() > threads) {
                            throw new AssertionError(s.toString());
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }));
        }
        start.countDown();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertCounts(stats("numbers"), threads * runs, 0, threads * (runs / 2) * (1000 + 10), 0, threads * runs);
    }

    @Test
    void toMapIsInDisplayOrder() {
        SourceStats s = new SourceStats("orders", true, 3, 1, 10, 1, 2, Instant.EPOCH);
        assertEquals(List.of("name", "bound", "opened", "open", "elements", "failures", "closed", "lastOpened"),
                List.copyOf(s.toMap().keySet()));
        assertEquals(List.of("name", "bound", "opened", "open", "elements", "failures", "closed"),
                List.copyOf(new SourceStats("x", false, 0, 0, 0, 0, 0, null).toMap().keySet()),
                "lastOpened absent before the first open");
        assertThrows(NullPointerException.class, () -> new SourceStats(null, false, 0, 0, 0, 0, 0, null));
    }

    @Test
    void sharedCountersAreUsedByEveryRegistryThatIsGivenThem() throws Exception {
        SourceCounters shared = new SourceCounters("orders");
        SourceRegistry a = new SourceRegistry();
        SourceRegistry b = new SourceRegistry();
        a.register("orders", new TrackingSource(2), shared);
        b.register("orders", new TrackingSource(3), shared);
        count(a, "orders");
        count(b, "orders");
        assertEquals(a.stats("orders"), b.stats("orders"));
        assertCounts(a.stats("orders").orElseThrow(), 2, 0, 5, 0, 2);
        assertThrows(IllegalArgumentException.class, () -> a.register("audit", new TrackingSource(1), shared));
        assertFalse(a.names().contains("audit"));
    }

    private void count(SourceRegistry registry, String name) throws Exception {
        StreamSource<?> s = registry.open(name, clock).orElseThrow();
        try (StreamSource.Cursor<?> c = s.open(ctx)) {
            while (c.tryAdvance(ctx, x -> { })) {
                // drain
            }
        }
    }
}

package goflow.impl.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.GoFlow;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.stream.StreamSource;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/** window(Duration): time-based batches on the injected clock. */
@Timeout(30)
class WindowTest extends NoThreadLeaks.LeakCheckedTest {
    private static final Integer END = Integer.MIN_VALUE;

    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "test");
    private final Context ctx = Context.background(clock);
    private final BlockingQueue<Integer> feed = new LinkedBlockingQueue<>();
    private final AtomicInteger closed = new AtomicInteger();
    private final List<List<Integer>> windows = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    /**
     * How many times the producer asked the source for an element: once it asks for element n + 1,
     * the first n are in the window's buffer.
     */
    private final AtomicInteger asks = new AtomicInteger();
    private int fedSoFar;

    /** Elements put into {@link #feed}; {@link #END} ends it. */
    private final StreamSource<Integer> fed = c -> new StreamSource.Cursor<>() {
        @Override
        public boolean tryAdvance(Context cc, Consumer<? super Integer> action) throws InterruptedException {
            asks.incrementAndGet();
            while (true) {
                cc.throwIfDone();
                Integer next = feed.poll(1, TimeUnit.MILLISECONDS);
                if (next != null) {
                    if (next.equals(END)) {
                        return false;
                    }
                    action.accept(next);
                    return true;
                }
            }
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    };

    private CompletableFuture<Throwable> runWindows(Context c, Duration window) {
        CompletableFuture<Throwable> result = CompletableFuture.supplyAsync(() -> {
            try {
                goflow.streams().fromSource(fed).window(window).forEach(c, windows::add);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        // The window's first period starts when the consumer first waits on the clock.
        Eventually.until(() -> clock.parkedThreads() == 1);
        return result;
    }

    /** Feeds elements and waits until they are all in the window's buffer. */
    private void feed(Integer... values) {
        feed.addAll(List.of(values));
        fedSoFar += values.length;
        Eventually.until(() -> asks.get() == fedSoFar + 1);
    }

    @Test
    void eachPeriodPassesTheElementsThatArrivedInIt() {
        CompletableFuture<Throwable> result = runWindows(ctx, Duration.ofSeconds(1));
        feed(1, 2);
        assertTrue(windows.isEmpty(), "nothing before the period ends");
        clock.advance(Duration.ofSeconds(1));
        Eventually.until(() -> windows.size() == 1);
        feed(3);
        clock.advance(Duration.ofSeconds(1));
        Eventually.until(() -> windows.size() == 2);
        assertEquals(List.of(List.of(1, 2), List.of(3)), windows);
        feed.add(END);
        assertEquals(null, result.join());
        assertEquals(1, closed.get());
    }

    @Test
    void emptyPeriodsPassNothingAndTheEndPassesWhatRemains() {
        CompletableFuture<Throwable> result = runWindows(ctx, Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(3));
        feed(7, 8);
        feed.add(END);
        assertEquals(null, result.join());
        // The window thread may handle the three period ends before or after 7 arrives (it runs on
        // its own), so 7 and 8 come as one window or two; never as an empty window, never lost.
        assertTrue(windows.stream().noneMatch(List::isEmpty), "an empty period passes nothing: " + windows);
        assertEquals(List.of(7, 8), windows.stream().flatMap(List::stream).toList(), "the end passes what remains");
    }

    @Test
    void maxSizeCutsFullWindowsAndBoundsWhatIsPulled() throws Exception {
        AtomicInteger generated = new AtomicInteger();
        List<List<Integer>> out = goflow.streams().generate(generated::incrementAndGet)
                .window(Duration.ofHours(1), 3)
                .limit(2)
                .toList(ctx);
        assertEquals(List.of(List.of(1, 2, 3), List.of(4, 5, 6)), out);
        assertTrue(generated.get() <= 6 + 3 + 1, "at most two windows held: " + generated.get());
    }

    @Test
    void anUpstreamFailurePassesWhatWasCollectedThenThrows() {
        List<List<Integer>> seen = new CopyOnWriteArrayList<>();
        Throwable t = CompletableFuture.supplyAsync(() -> {
            try {
                goflow.stream(List.of(1, 2, 3)).peek(x -> {
                    if (x == 3) {
                        throw new IllegalStateException("upstream broke");
                    }
                }).window(Duration.ofHours(1)).forEach(ctx, seen::add);
                return null;
            } catch (Throwable e) {
                return e;
            }
        }).join();
        assertInstanceOf(IllegalStateException.class, t);
        assertEquals("upstream broke", t.getMessage());
        assertEquals(List.of(List.of(1, 2)), seen);
    }

    @Test
    void cancellationStopsBothThreadsAndClosesTheSource() {
        try (CancellableContext c = ctx.withCancel()) {
            CompletableFuture<Throwable> result = runWindows(c, Duration.ofSeconds(1));
            feed(1);
            c.cancel();
            assertInstanceOf(CancelledException.class, result.join());
        }
        assertEquals(1, closed.get());
    }

    @Test
    void theProducerThreadIsNamedAfterTheStream() throws Exception {
        AtomicInteger generated = new AtomicInteger();
        List<String> names = new CopyOnWriteArrayList<>();
        goflow.streams().generate(() -> {
            names.add(Thread.currentThread().getName());
            return generated.incrementAndGet();
        }).window(Duration.ofHours(1), 2).findFirst(ctx);
        assertTrue(names.get(0).matches("goflow-stream-stream-\\d+-1"), names.get(0));
    }

    @Test
    void theSourceIsClosedOnlyAfterTheProducerStopped() throws Exception {
        for (int round = 0; round < 20; round++) {
            TrackingSource source = new TrackingSource(1_000_000);
            List<List<Integer>> out = goflow.streams().fromSource(source).window(Duration.ofHours(1), 2).limit(1)
                    .toList(ctx);
            assertEquals(List.of(List.of(1, 2)), out);
            assertEquals(1, source.closed.get());
            assertEquals(0, source.readAfterClose.get());
        }
    }
}

package goflow.impl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;

import goflow.api.ClosedException;
import goflow.api.GoFlowException;
import goflow.api.InvalidConfigException;
import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.ChannelLink;
import goflow.api.channel.Channels;
import goflow.api.channel.OverflowStrategy;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/** The {@link Channels} utilities: results, ordering, and that each one stops on close and on cancellation. */
@Timeout(60)
class ChannelsTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlowImpl goflow = new GoFlowImpl(new ManualClock(), "test");
    private final Channels channels = goflow.channels();
    private final Context bg = Context.background();

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    private BackpressureChannel<Integer> ch(String name, int capacity) {
        return goflow.<Integer>channel().name(name).capacity(capacity).build();
    }

    /** Receives until the channel is drained. */
    private static <T> List<T> drain(BackpressureChannel<T> ch) throws InterruptedException {
        List<T> out = new ArrayList<>();
        try {
            while (true) {
                out.add(ch.receive(Context.background()));
            }
        } catch (ClosedException drained) {
            return out;
        }
    }

    private void fill(BackpressureChannel<Integer> ch, int from, int to) throws InterruptedException {
        for (int i = from; i < to; i++) {
            ch.send(bg, i);
        }
    }

    private static Throwable failure(ChannelLink link) {
        CompletionException e = assertThrows(CompletionException.class,
                () -> link.completion().toCompletableFuture().join());
        return e.getCause();
    }

    private static void awaitEnd(ChannelLink link) throws InterruptedException {
        assertTrue(link.awaitDone(Eventually.TIMEOUT), "link did not end: " + link);
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void mergeMovesEverythingAndClosesTheTargetWhenSourcesEnd() throws Exception {
        BackpressureChannel<Integer> a = ch("a", 4);
        BackpressureChannel<Integer> b = ch("b", 4);
        BackpressureChannel<Integer> c = ch("c", 4);
        BackpressureChannel<Integer> out = ch("out", 2);
        ChannelLink link = channels.merge(bg, List.of(a, b, c), out);
        assertEquals("merge-out", link.name());
        Thread producer = new Thread(() -> {
            try {
                fill(a, 0, 500);
                a.close();
                fill(b, 1000, 1500);
                b.close();
                fill(c, 2000, 2500);
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        List<Integer> got = drain(out);
        producer.join();
        awaitEnd(link);
        link.completion().toCompletableFuture().join(); // normal end
        assertEquals(1500, got.size());
        assertEquals(IntStream.range(0, 3).flatMap(k -> IntStream.range(k * 1000, k * 1000 + 500)).boxed()
                .collect(Collectors.toSet()), new HashSet<>(got));
        for (int k = 0; k < 3; k++) {
            int base = k * 1000;
            List<Integer> fromK = got.stream().filter(v -> v / 1000 == base / 1000).collect(Collectors.toList());
            assertEquals(IntStream.range(base, base + 500).boxed().collect(Collectors.toList()), fromK,
                    "per-source order");
        }
        assertEquals(1500, link.transferred());
        assertTrue(out.isDrained());
        link.close(); // idempotent after the end
    }

    @Test
    void mergeStopsOnCancellationAndClosesItsTarget() throws Exception {
        BackpressureChannel<Integer> a = ch("a", 4);
        BackpressureChannel<Integer> b = ch("b", 4);
        BackpressureChannel<Integer> out = ch("out", 4);
        CancellableContext ctx = bg.withCancel();
        ChannelLink link = channels.merge(ctx, List.of(a, b), out);
        a.send(bg, 1);
        assertEquals(1, out.receive(bg));
        ctx.cancel();
        awaitEnd(link);
        assertTrue(failure(link) instanceof CancelledException);
        assertTrue(out.isClosed());
        assertFalse(a.isClosed(), "sources are never closed by a link");
        // NoThreadLeaks checks the workers are gone
    }

    @Test
    void everyUtilityStopsOnCancellationWhileBlocked() throws Exception {
        List<java.util.function.Function<Context, ChannelLink>> starts = List.of(
                c -> channels.merge(c, List.of(ch("m-src", 1)), ch("m-out", 1)),
                c -> channels.fanOut(c, ch("f-src", 1), List.of(ch("f-out1", 1), ch("f-out2", 1))),
                c -> channels.tee(c, ch("t-src", 1), List.of(ch("t-out1", 1), ch("t-out2", 1))),
                c -> channels.batch(c, ch("b-src", 1), goflow.<List<Integer>>channel().name("b-out").build(), 5,
                        Duration.ofHours(1)),
                c -> channels.pipe(c, ch("p-src", 1), ch("p-out", 1)),
                c -> channels.pipe(c, ch("q-src", 1), ch("q-out", 1), (Integer v) -> v + 1));
        for (java.util.function.Function<Context, ChannelLink> start : starts) {
            CancellableContext ctx = bg.withCancel();
            ChannelLink link = start.apply(ctx);
            assertFalse(link.awaitDone(Duration.ofMillis(20)), "runs until told otherwise: " + link.name());
            ctx.cancel();
            awaitEnd(link);
            assertTrue(failure(link) instanceof CancelledException, link.name());
        }
        // NoThreadLeaks: every worker thread is gone
    }

    @Test
    void linkCloseStopsItsThreads() throws Exception {
        BackpressureChannel<Integer> a = ch("a", 4);
        BackpressureChannel<Integer> out = ch("out", 1);
        ChannelLink link = channels.pipe(bg, a, out);
        fill(a, 0, 3); // the pipe fills out and then blocks sending the second value
        Eventually.until(() -> out.size() == 1);
        link.close();
        assertTrue(link.isDone());
        assertTrue(failure(link) instanceof CancelledException);
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("goflow-channel-pipe-a")), "threads joined by close()");
        assertEquals(List.of(0), drain(out), "the target drains what was delivered");
    }

    @Test
    void closingGoFlowEndsLinksBetweenItsChannels() throws Exception {
        BackpressureChannel<Integer> a = ch("a", 4);
        BackpressureChannel<Integer> out = ch("out", 4);
        ChannelLink link = channels.pipe(bg, a, out);
        goflow.close();
        awaitEnd(link);
    }

    @Test
    void fanOutGivesEachValueToExactlyOneTargetInOrder() throws Exception {
        BackpressureChannel<Integer> src = ch("src", 8);
        List<BackpressureChannel<Integer>> targets = List.of(ch("t1", 2), ch("t2", 2), ch("t3", 2));
        ChannelLink link = channels.fanOut(bg, src, targets);
        List<List<Integer>> results = new ArrayList<>();
        List<Thread> consumers = new ArrayList<>();
        for (BackpressureChannel<Integer> t : targets) {
            List<Integer> mine = new ArrayList<>();
            results.add(mine);
            consumers.add(new Thread(() -> {
                try {
                    mine.addAll(drain(t));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        consumers.forEach(Thread::start);
        fill(src, 0, 3000);
        src.close();
        for (Thread t : consumers) {
            t.join();
        }
        awaitEnd(link);
        Set<Integer> all = new HashSet<>();
        int total = 0;
        for (List<Integer> mine : results) {
            for (int i = 1; i < mine.size(); i++) {
                assertTrue(mine.get(i - 1) < mine.get(i), "source order within a target");
            }
            all.addAll(mine);
            total += mine.size();
        }
        assertEquals(3000, total, "no duplicates");
        assertEquals(3000, all.size());
        assertEquals(3000, link.transferred());
    }

    @Test
    void teeGivesEveryValueToEveryTarget() throws Exception {
        BackpressureChannel<Integer> src = ch("src", 8);
        BackpressureChannel<Integer> t1 = ch("t1", 1000);
        BackpressureChannel<Integer> t2 = ch("t2", 1000);
        ChannelLink link = channels.tee(bg, src, List.of(t1, t2));
        fill(src, 0, 500);
        src.close();
        awaitEnd(link);
        List<Integer> expected = IntStream.range(0, 500).boxed().collect(Collectors.toList());
        assertEquals(expected, drain(t1));
        assertEquals(expected, drain(t2));
        assertEquals(500, link.transferred());
    }

    @Test
    void valuesADropNewestTargetDropsAreNotCountedAsTransferred() throws Exception {
        BackpressureChannel<Integer> src = ch("src", 100);
        BackpressureChannel<Integer> small = goflow.<Integer>channel().name("small").capacity(3)
                .strategy(OverflowStrategy.DROP_NEWEST).build();
        fill(src, 0, 10);
        src.close();
        ChannelLink link = channels.pipe(bg, src, small);
        awaitEnd(link);
        assertEquals(7, small.stats().dropped());
        assertEquals(3, link.transferred(), "only the values the target took");
        assertEquals(List.of(0, 1, 2), drain(small));

        // tee: a value counts once when at least one target took it
        BackpressureChannel<Integer> src2 = ch("src2", 100);
        BackpressureChannel<Integer> small1 = goflow.<Integer>channel().name("small1").capacity(3)
                .strategy(OverflowStrategy.DROP_NEWEST).build();
        BackpressureChannel<Integer> small2 = goflow.<Integer>channel().name("small2").capacity(5)
                .strategy(OverflowStrategy.DROP_NEWEST).build();
        fill(src2, 0, 10);
        src2.close();
        ChannelLink tee = channels.tee(bg, src2, List.of(small1, small2));
        awaitEnd(tee);
        assertEquals(5, tee.transferred());
    }

    /**
     * A tee value that a first target took counts as transferred even when the link stops (is
     * closed, or fails on a closed target) before a later target took it: the first target's
     * receivers get it, so it was delivered.
     */
    @Test
    void aTeeValueTakenByAFirstTargetCountsWhenTheLinkStopsBeforeTheNext() throws Exception {
        BackpressureChannel<Integer> src = ch("src", 4);
        BackpressureChannel<Integer> first = ch("first", 4);
        BackpressureChannel<Integer> full = ch("full", 1);
        full.send(bg, -1);
        ChannelLink link = channels.tee(bg, src, List.of(first, full));
        src.send(bg, 1);
        Eventually.until(() -> first.size() == 1); // the link now waits for room in the full target
        link.close();
        assertEquals(List.of(1), drain(first));
        assertEquals(1, link.transferred(), "delivered to the first target");

        BackpressureChannel<Integer> src2 = ch("src2", 4);
        BackpressureChannel<Integer> first2 = ch("first2", 4);
        BackpressureChannel<Integer> closed = ch("closed", 4);
        closed.close();
        ChannelLink failed = channels.tee(bg, src2, List.of(first2, closed));
        src2.send(bg, 1);
        awaitEnd(failed);
        assertTrue(failure(failed) instanceof ClosedException);
        assertEquals(List.of(1), drain(first2));
        assertEquals(1, failed.transferred(), "delivered to the first target");
    }

    @Test
    void batchBySizeAndFinalPartialBatch() throws Exception {
        BackpressureChannel<Integer> src = ch("src", 100);
        BackpressureChannel<List<Integer>> out = goflow.<List<Integer>>channel().capacity(100).build();
        fill(src, 0, 25);
        src.close();
        ChannelLink link = channels.batch(bg, src, out, 10, Duration.ofHours(1));
        awaitEnd(link);
        List<List<Integer>> batches = drain(out);
        assertEquals(List.of(
                IntStream.range(0, 10).boxed().collect(Collectors.toList()),
                IntStream.range(10, 20).boxed().collect(Collectors.toList()),
                IntStream.range(20, 25).boxed().collect(Collectors.toList())), batches);
        assertThrows(UnsupportedOperationException.class, () -> batches.get(0).add(1));
        assertEquals(3, link.transferred());
    }

    @Test
    void batchByTimeOnTheContextClock() throws Exception {
        ManualClock clock = new ManualClock();
        Context ctx = Context.background(clock);
        BackpressureChannel<Integer> src = ch("src", 100);
        BackpressureChannel<List<Integer>> out = goflow.<List<Integer>>channel().capacity(100).build();
        ChannelLink link = channels.batch(ctx, src, out, 10, Duration.ofSeconds(1));
        src.send(bg, 1);
        src.send(bg, 2);
        Eventually.until(() -> src.size() == 0 && clock.pendingTimers() == 1); // waiting for more, with a timer
        clock.advance(Duration.ofMillis(999));
        assertEquals(0, out.size());
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of(1, 2), out.receive(bg));
        src.send(bg, 3);
        src.close();
        assertEquals(List.of(3), out.receive(bg));
        awaitEnd(link);
    }

    @Test
    void pipeTransformsAndFailsWhenTheFunctionThrows() throws Exception {
        BackpressureChannel<Integer> src = ch("src", 8);
        BackpressureChannel<String> out = goflow.<String>channel().capacity(8).build();
        ChannelLink link = channels.pipe(bg, src, out, (Integer v) -> {
            if (v == 3) {
                throw new IllegalArgumentException("boom at 3");
            }
            return "v" + v;
        });
        fill(src, 1, 5);
        awaitEnd(link);
        Throwable f = failure(link);
        assertTrue(f instanceof IllegalArgumentException, String.valueOf(f));
        assertEquals(List.of("v1", "v2"), drain(out));
        assertFalse(src.isClosed());
    }

    @Test
    void pipeRejectsNullResults() throws Exception {
        BackpressureChannel<Integer> src = ch("src", 8);
        BackpressureChannel<String> out = goflow.<String>channel().capacity(8).build();
        ChannelLink link = channels.pipe(bg, src, out, (Integer v) -> null);
        src.send(bg, 1);
        awaitEnd(link);
        Throwable f = failure(link);
        assertTrue(f instanceof GoFlowException && f.getMessage().contains("returned null"), String.valueOf(f));
    }

    @Test
    void targetClosedUnderneathFailsTheLink() throws Exception {
        BackpressureChannel<Integer> src = ch("src", 8);
        BackpressureChannel<Integer> out = ch("out", 8);
        ChannelLink link = channels.pipe(bg, src, out);
        out.close();
        src.send(bg, 1);
        awaitEnd(link);
        Throwable f = failure(link);
        assertTrue(f instanceof ClosedException, String.valueOf(f));
        assertEquals("link 'pipe-src': target channel 'out' was closed while the link was running", f.getMessage());
    }

    @Test
    void argumentsAreValidated() {
        BackpressureChannel<Integer> a = ch("a", 1);
        BackpressureChannel<Integer> out = ch("out", 1);
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> channels.merge(bg, List.of(), out));
        assertEquals("channels: invalid sources=[] (must not be empty) - give at least one channel", e.getMessage());
        e = assertThrows(InvalidConfigException.class, () -> channels.merge(bg, List.of(a, a), out));
        assertTrue(e.getMessage().contains("must not contain a channel twice"), e.getMessage());
        e = assertThrows(InvalidConfigException.class, () -> channels.pipe(null, a, out));
        assertEquals("ctx", e.field());
        e = assertThrows(InvalidConfigException.class,
                () -> channels.batch(bg, a, goflow.<List<Integer>>channel().build(), 0, Duration.ofSeconds(1)));
        assertEquals("maxSize", e.field());
        e = assertThrows(InvalidConfigException.class,
                () -> channels.batch(bg, a, goflow.<List<Integer>>channel().build(), 1, Duration.ZERO));
        assertEquals("maxWait", e.field());
        e = assertThrows(InvalidConfigException.class, () -> channels.fanOut(bg, a, List.of()));
        assertEquals("targets", e.field());
    }

    /** A null timeout is bad input like any other: refused naming the field, not a bare NullPointerException. */
    @Test
    void awaitDoneRefusesANullTimeoutNamingTheField() throws Exception {
        BackpressureChannel<Integer> in = ch("in", 4);
        ChannelLink link = channels.pipe(bg, in, ch("out", 4));
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> link.awaitDone(null));
        assertTrue(e.getMessage().contains("timeout"), e.getMessage());
        in.close();
        assertTrue(link.awaitDone(Eventually.TIMEOUT));
    }

    /**
     * {@code awaitDone} returning true means the link's threads have stopped, as the docs of
     * {@code isDone} and {@code completion} say: the completion is made by the last worker before
     * its thread (and the others) have quite ended, so awaitDone waits for them. Here each thread
     * takes a while to end after its worker is over; awaitDone from the completion callback (on
     * the last worker's own thread) does not wait for itself.
     */
    @Test
    void awaitDoneReturnsOnceTheLinksThreadsHaveStopped() throws Exception {
        List<Thread> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.ThreadFactory slowToEnd = r -> {
            Thread t = new Thread(() -> {
                r.run();
                try {
                    Thread.sleep(300); // the thread ends a while after its worker is over
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            made.add(t);
            return t;
        };
        BackpressureChannel<Integer> target = ch("target", 4);
        Link link = new Link("slow", bg, List.of(target), slowToEnd);
        link.add(c -> { });
        link.add(c -> { });
        CompletableFuture<Boolean> fromCallback = new CompletableFuture<>();
        link.completion().thenRun(() -> {
            try {
                fromCallback.complete(link.awaitDone(Eventually.TIMEOUT));
            } catch (Throwable e) {
                fromCallback.completeExceptionally(e);
            }
        });
        link.start();
        assertTrue(link.awaitDone(Eventually.TIMEOUT));
        for (Thread t : made) {
            assertFalse(t.isAlive(), "awaitDone returned true while " + t + " was running");
        }
        assertTrue(fromCallback.get(Eventually.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                "awaitDone from the completion callback does not wait for its own thread");
        assertTrue(target.isClosed());
    }

    @Test
    void awaitDoneTimesOutOnTheClockOfTheLinksContext() throws Exception {
        ManualClock clock = new ManualClock();
        BackpressureChannel<Integer> in = ch("in", 4);
        ChannelLink link = channels.pipe(Context.background(clock), in, ch("out", 4));
        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
            try {
                return link.awaitDone(Duration.ofHours(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Eventually.until(() -> clock.parkedThreads() > 0);
        clock.advance(Duration.ofHours(1));
        assertFalse(waited.get(Eventually.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                "an hour of the context's clock has passed");

        CompletableFuture<Boolean> again = CompletableFuture.supplyAsync(() -> {
            try {
                return link.awaitDone(Duration.ofDays(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Eventually.until(() -> clock.parkedThreads() > 0);
        in.close();
        assertTrue(again.get(Eventually.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                "the link's end wakes the waiter");
    }

    /** A link into one of its own sources would never end: every kind of link refuses it, starting nothing. */
    @Test
    void aChannelThatIsBothASourceAndATargetOfOneLinkIsRefused() {
        BackpressureChannel<Integer> a = ch("a", 4);
        BackpressureChannel<Integer> b = ch("b", 4);
        BackpressureChannel<Object> any = goflow.<Object>channel().name("any").capacity(4).build();
        List<Runnable> calls = List.of(
                () -> channels.pipe(bg, a, a),
                () -> channels.pipe(bg, a, a, v -> v + 1),
                () -> channels.merge(bg, List.of(b, a), a),
                () -> channels.fanOut(bg, a, List.of(b, a)),
                () -> channels.tee(bg, a, List.of(a, b)),
                () -> channels.batch(bg, any, any, 10, Duration.ofSeconds(1)));
        for (Runnable call : calls) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, call::run);
            assertEquals("target", e.field());
            assertTrue(e.getMessage().contains("must not be a source of the same link"), e.getMessage());
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("goflow-channel-")),
                "no link thread started");
    }
}

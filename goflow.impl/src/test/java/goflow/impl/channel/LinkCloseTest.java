package goflow.impl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.ChannelLink;
import goflow.api.channel.Channels;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Async;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/**
 * Closing a link whose mapping function does not return: the function never sees the link's
 * context, so only an interrupt can reach it, and one that ignores interrupts too must not hang
 * the caller of {@code close} for ever ({@code close(Duration)}, an interrupted {@code close()}).
 * Also a function that throws an Error or a checked exception, and one that closes its own link.
 */
@Timeout(90)
class LinkCloseTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlowImpl goflow = new GoFlowImpl(new ManualClock(), "test");
    private final Channels channels = goflow.channels();
    private final Context bg = Context.background();
    /** Released after each test, so that no function stays blocked. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void closeGoflow() {
        release.countDown();
        goflow.close();
    }

    private BackpressureChannel<Integer> ch(String name, int capacity) {
        return goflow.<Integer>channel().name(name).capacity(capacity).build();
    }

    private void fill(BackpressureChannel<Integer> ch, int from, int to) throws InterruptedException {
        for (int i = from; i < to; i++) {
            ch.send(bg, i);
        }
    }

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

    private static Throwable failure(ChannelLink link) {
        CompletionException e = assertThrows(CompletionException.class,
                () -> link.completion().toCompletableFuture().join());
        return e.getCause();
    }

    private static void awaitEnd(ChannelLink link) throws InterruptedException {
        assertTrue(link.awaitDone(Eventually.TIMEOUT), "link did not end: " + link);
    }

    private static boolean threadAlive(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive() && t.getName().startsWith(prefix));
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    /** Passes values through, but blocks on {@code stuckOn} until {@link #release}, ignoring interrupts. */
    private final class Stuck implements Function<Integer, Integer> {
        final int stuckOn;
        final CountDownLatch entered = new CountDownLatch(1);
        final AtomicInteger interrupts = new AtomicInteger();

        Stuck(int stuckOn) {
            this.stuckOn = stuckOn;
        }

        @Override
        public Integer apply(Integer v) {
            if (v == stuckOn) {
                entered.countDown();
                while (true) {
                    try {
                        release.await();
                        break;
                    } catch (InterruptedException e) {
                        interrupts.incrementAndGet();
                    }
                }
            }
            return v;
        }
    }

    /** After close gave up: the target ended, the stuck thread was interrupted; then it returns. */
    private void assertGivenUp(ChannelLink link, Stuck fn, BackpressureChannel<Integer> src,
            BackpressureChannel<Integer> out) throws InterruptedException {
        assertTrue(out.isClosed(), "the target is closed, so its receivers see the end");
        assertEquals(List.of(1), drain(out));
        assertFalse(link.isDone(), "its thread is still in the function");
        Eventually.until(() -> fn.interrupts.get() >= 1);
        release.countDown();
        awaitEnd(link);
        assertTrue(failure(link) instanceof CancelledException, String.valueOf(failure(link)));
        assertEquals(1, link.transferred(), "the value the function returned late was not delivered");
        assertEquals(Optional.of(3), src.tryReceive(), "values it had not taken stay in the source");
        assertFalse(src.isClosed());
        Eventually.until(() -> !threadAlive("goflow-channel-pipe-src"));
    }

    @Test
    void anInterruptedCloseGivesUpOnAFunctionThatIgnoresCancellation() throws Exception {
        BackpressureChannel<Integer> src = ch("src", 4);
        BackpressureChannel<Integer> out = ch("out", 4);
        Stuck fn = new Stuck(2);
        ChannelLink link = channels.pipe(bg, src, out, fn);
        fill(src, 1, 4);
        assertTrue(fn.entered.await(30, TimeUnit.SECONDS));
        AtomicReference<Thread> closer = new AtomicReference<>();
        CompletableFuture<Boolean> closing = Async.start(() -> {
            closer.set(Thread.currentThread());
            link.close();
            return Thread.currentThread().isInterrupted();
        });
        Eventually.until(() -> closer.get() != null && (closer.get().getState() == Thread.State.WAITING
                || closer.get().getState() == Thread.State.TIMED_WAITING));
        closer.get().interrupt();
        try {
            assertTrue(closing.get(20, TimeUnit.SECONDS), "close returned, with the interrupt flag set again");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("close() hangs on a function that ignores cancellation, even when interrupted", e);
        }
        assertGivenUp(link, fn, src, out);
    }

    @Test
    void anErrorFromTheFunctionFailsTheLinkAndClosesTheTarget() throws Exception {
        BackpressureChannel<Integer> src = ch("src", 4);
        BackpressureChannel<Integer> out = ch("out", 4);
        AssertionError bug = new AssertionError("function bug");
        ChannelLink link = channels.pipe(bg, src, out, (Integer v) -> {
            if (v == 2) {
                throw bug;
            }
            return v;
        });
        fill(src, 1, 4);
        awaitEnd(link);
        assertSame(bug, failure(link));
        assertEquals(List.of(1), drain(out));
        assertFalse(src.isClosed());
        link.close(); // idempotent after the end
    }

    /**
     * "If fn throws ..., the link fails with that error": also a checked exception thrown past the
     * compiler (Kotlin, Scala, Lombok's @SneakyThrows). It must not end the link as if the source
     * had been drained.
     */
    @Test
    void aCheckedExceptionThrownByTheFunctionFailsTheLink() throws Exception {
        BackpressureChannel<Integer> src = ch("src", 4);
        BackpressureChannel<Integer> out = ch("out", 4);
        Exception checked = new Exception("checked, not declared");
        ChannelLink link = channels.pipe(bg, src, out, (Integer v) -> {
            if (v == 2) {
                sneakyThrow(checked);
            }
            return v;
        });
        fill(src, 1, 4);
        awaitEnd(link);
        CompletionException e = assertThrows(CompletionException.class,
                () -> link.completion().toCompletableFuture().join(),
                "the link completed normally, as if its source had been drained");
        assertSame(checked, e.getCause());
        assertEquals(List.of(1), drain(out));
    }

    @Test
    void closeWithATimeoutGivesUpOnAFunctionThatIgnoresCancellationAndInterrupts() throws Exception {
        ManualClock clock = new ManualClock();
        BackpressureChannel<Integer> src = ch("src", 4);
        BackpressureChannel<Integer> out = ch("out", 4);
        Stuck fn = new Stuck(2);
        ChannelLink link = channels.pipe(Context.background(clock), src, out, fn);
        fill(src, 1, 4);
        assertTrue(fn.entered.await(30, TimeUnit.SECONDS));
        CompletableFuture<Boolean> closing = Async.start(() -> link.close(Duration.ofSeconds(5)));
        Eventually.until(() -> clock.parkedThreads() >= 1); // the closer waits on the context's clock
        assertFalse(closing.isDone());
        assertFalse(out.isClosed());
        clock.advance(Duration.ofSeconds(5));
        assertFalse(closing.get(20, TimeUnit.SECONDS), "false: it gave up on the stuck thread");
        assertGivenUp(link, fn, src, out);
    }

    @Test
    void closeWithATimeoutInterruptsAFunctionThatIgnoresOnlyCancellation() throws Exception {
        ManualClock clock = new ManualClock();
        BackpressureChannel<Integer> src = ch("src", 4);
        BackpressureChannel<Integer> out = ch("out", 4);
        CountDownLatch entered = new CountDownLatch(1);
        ChannelLink link = channels.pipe(Context.background(clock), src, out, (Integer v) -> {
            if (v == 2) {
                entered.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException("interrupted", e);
                }
            }
            return v;
        });
        fill(src, 1, 4);
        assertTrue(entered.await(30, TimeUnit.SECONDS));
        CompletableFuture<Boolean> closing = Async.start(() -> link.close(Duration.ofSeconds(1)));
        Eventually.until(() -> clock.parkedThreads() >= 1);
        clock.advance(Duration.ofSeconds(1));
        assertFalse(closing.get(20, TimeUnit.SECONDS));
        awaitEnd(link); // the interrupt ended the function
        assertTrue(failure(link) instanceof CancelledException,
                "the link was cancelled; the function's reaction to the interrupt is not its failure: " + failure(link));
        assertEquals(List.of(1), drain(out));
        assertEquals(Optional.of(3), src.tryReceive());
    }

    @Test
    void closeWithATimeoutWaitsForThreadsThatStopAndReturnsTrue() throws Exception {
        BackpressureChannel<Integer> src = ch("src", 4);
        BackpressureChannel<Integer> out = ch("out", 1);
        ChannelLink link = channels.pipe(bg, src, out, (Integer v) -> v * 10);
        fill(src, 1, 4); // the pipe fills out and then blocks sending the second value
        Eventually.until(() -> out.size() == 1);
        assertTrue(link.close(Duration.ofSeconds(30)));
        assertTrue(link.isDone());
        assertFalse(threadAlive("goflow-channel-pipe-src"), "its threads are joined");
        assertTrue(failure(link) instanceof CancelledException);
        assertEquals(List.of(10), drain(out));
        assertTrue(link.close(Duration.ZERO), "idempotent");
    }

    @Test
    void closeWithATimeoutRejectsANullOrNegativeTimeout() {
        BackpressureChannel<Integer> src = ch("src", 4);
        ChannelLink link = channels.pipe(bg, src, ch("out", 4));
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> link.close(Duration.ofMillis(-1)));
        assertTrue(e.getMessage().contains("timeout"), e.getMessage());
        assertThrows(InvalidConfigException.class, () -> link.close(null));
        assertFalse(link.isDone(), "an invalid call closes nothing");
        link.close();
    }

    @Test
    void closeFromInsideTheFunctionDoesNotWaitForItself() throws Exception {
        BackpressureChannel<Integer> src = ch("src", 4);
        BackpressureChannel<Integer> out = ch("out", 4);
        ChannelLink[] self = new ChannelLink[1];
        CompletableFuture<Void> closedInside = new CompletableFuture<>();
        ChannelLink link = channels.pipe(bg, src, out, (Integer v) -> {
            if (v == 2) {
                self[0].close();
                closedInside.complete(null);
            }
            return v;
        });
        self[0] = link;
        fill(src, 1, 4);
        closedInside.get(20, TimeUnit.SECONDS);
        awaitEnd(link);
        assertTrue(failure(link) instanceof CancelledException, String.valueOf(failure(link)));
        assertEquals(List.of(1), drain(out), "the value of the call that closed the link is not delivered");
        assertEquals(Optional.of(3), src.tryReceive());
    }

    @Test
    void closeWithATimeoutFromInsideTheFunctionReturnsFalseAtOnce() throws Exception {
        ManualClock clock = new ManualClock(); // never advanced: a wait for itself would last until the test times out
        BackpressureChannel<Integer> src = ch("src", 4);
        BackpressureChannel<Integer> out = ch("out", 4);
        ChannelLink[] self = new ChannelLink[1];
        CompletableFuture<Boolean> closedInside = new CompletableFuture<>();
        ChannelLink link = channels.pipe(Context.background(clock), src, out, (Integer v) -> {
            if (v == 2) {
                closedInside.complete(self[0].close(Duration.ofSeconds(30)));
            }
            return v;
        });
        self[0] = link;
        fill(src, 1, 4);
        assertFalse(closedInside.get(20, TimeUnit.SECONDS), "false: its own thread is still running");
        awaitEnd(link);
        assertTrue(failure(link) instanceof CancelledException, String.valueOf(failure(link)));
        assertEquals(List.of(1), drain(out));
        assertEquals(Optional.of(3), src.tryReceive());
    }
}

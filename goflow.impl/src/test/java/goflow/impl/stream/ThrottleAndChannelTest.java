package goflow.impl.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.ClosedException;
import goflow.api.GoFlow;
import goflow.api.channel.BackpressureChannel;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.stream.Stream;
import goflow.api.stream.StreamClosedException;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/** throttle(RateLimiter) on a ManualClock, and channels as stream sources. */
@Timeout(30)
class ThrottleAndChannelTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "test");
    private final Context ctx = Context.background(clock);

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    private static <R> CompletableFuture<Object> async(java.util.concurrent.Callable<R> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (Throwable t) {
                return t;
            }
        });
    }

    // ---- throttle -------------------------------------------------------------------------------

    @Test
    void throttlePassesElementsAtTheLimitersRate() {
        RateLimiter limiter = goflow.tokenBucket().rate(10).burst(1).build();
        List<Long> passedAtMillis = new CopyOnWriteArrayList<>();
        CompletableFuture<Object> result = async(() -> goflow.stream(List.of(1, 2, 3, 4))
                .throttle(limiter)
                .peek(x -> passedAtMillis.add(clock.nanoTime() / 1_000_000))
                .toList(ctx));
        for (int passed = 1; passed < 4; passed++) {
            int expected = passed;
            Eventually.until(() -> passedAtMillis.size() == expected && clock.parkedThreads() == 1);
            clock.advance(Duration.ofMillis(100));
        }
        assertEquals(List.of(1, 2, 3, 4), result.join());
        assertEquals(List.of(0L, 100L, 200L, 300L), passedAtMillis);
        assertFalse(isClosed(limiter), "the stream does not own the limiter");
    }

    private static boolean isClosed(RateLimiter limiter) {
        try {
            limiter.allow(0);
            return false;
        } catch (ClosedException e) {
            return true;
        }
    }

    @Test
    void throttleTakesNoTokenForElementsNeverPulled() throws Exception {
        RateLimiter limiter = goflow.tokenBucket().rate(1).burst(5).build();
        AtomicInteger generated = new AtomicInteger();
        assertEquals(List.of(1, 2), goflow.streams().generate(generated::incrementAndGet).throttle(limiter).limit(2)
                .toList(ctx));
        assertEquals(2, generated.get());
        assertEquals(3.0, limiter.tokens(), 0.001);
    }

    @Test
    void cancellingAThrottledStreamStopsTheWait() {
        RateLimiter limiter = goflow.tokenBucket().rate(1).burst(1).build();
        try (CancellableContext c = ctx.withCancel()) {
            CompletableFuture<Object> result = async(() -> goflow.stream(List.of(1, 2, 3)).throttle(limiter).toList(c));
            Eventually.until(() -> clock.parkedThreads() == 1);
            c.cancel();
            assertInstanceOf(CancelledException.class, result.join());
        }
    }

    @Test
    void aClosedLimiterEndsTheStreamWithItsError() {
        RateLimiter limiter = goflow.tokenBucket().rate(1).burst(1).build();
        limiter.close();
        Stream<Integer> s = goflow.stream(List.of(1)).throttle(limiter);
        assertInstanceOf(ClosedException.class, async(() -> s.toList(ctx)).join());
        assertTrue(s.isClosed());
    }

    // ---- channel source -------------------------------------------------------------------------

    @Test
    void aChannelStreamsUntilClosedAndDrained() throws Exception {
        BackpressureChannel<Integer> ch = goflow.<Integer>channel().capacity(4).build();
        CompletableFuture<Object> result = async(() -> goflow.streams().fromChannel(ch).map(x -> x * 10).toList(ctx));
        for (int i = 1; i <= 10; i++) {
            ch.send(ctx, i);
        }
        ch.close();
        assertEquals(List.of(10, 20, 30, 40, 50, 60, 70, 80, 90, 100), result.join());
    }

    @Test
    void aChannelIsReceivedFromOnlyAsFarAsNeededAndNotClosed() throws Exception {
        BackpressureChannel<Integer> ch = goflow.<Integer>channel().capacity(10).build();
        for (int i = 1; i <= 5; i++) {
            ch.send(ctx, i);
        }
        assertEquals(List.of(1, 2), goflow.streams().fromChannel(ch).limit(2).toList(ctx));
        assertEquals(3, ch.size());
        assertFalse(ch.isClosed());
        assertEquals(3, ch.receive(ctx));
    }

    @Test
    void cancellingAStreamBlockedOnAnEmptyChannel() {
        BackpressureChannel<Integer> ch = goflow.<Integer>channel().capacity(1).build();
        try (CancellableContext c = Context.background().withCancel()) {
            AtomicInteger seen = new AtomicInteger();
            CompletableFuture<Object> result = async(() -> {
                goflow.streams().fromChannel(ch).forEach(c, x -> seen.incrementAndGet());
                return null;
            });
            ch.trySend(1);
            Eventually.until(() -> seen.get() == 1);
            c.cancel();
            assertInstanceOf(CancelledException.class, result.join());
        }
        assertFalse(ch.isClosed());
    }

    @Test
    void closingTheStreamStopsAReceiveInProgress() {
        BackpressureChannel<Integer> ch = goflow.<Integer>channel().capacity(1).build();
        Stream<Integer> s = goflow.streams().fromChannel(ch);
        AtomicInteger seen = new AtomicInteger();
        CompletableFuture<Object> result = async(() -> {
            s.forEach(Context.background(), x -> seen.incrementAndGet());
            return null;
        });
        ch.trySend(1);
        Eventually.until(() -> seen.get() == 1);
        s.close();
        assertInstanceOf(StreamClosedException.class, result.join());
    }

    @Test
    void channelsAndWindowsTogether() throws Exception {
        BackpressureChannel<Integer> ch = goflow.<Integer>channel().capacity(8).build();
        for (int i = 1; i <= 5; i++) {
            ch.send(ctx, i);
        }
        ch.close();
        List<List<Integer>> windows = goflow.streams().fromChannel(ch).window(Duration.ofHours(1), 2).toList(ctx);
        assertEquals(List.of(List.of(1, 2), List.of(3, 4), List.of(5)), windows);
    }
}

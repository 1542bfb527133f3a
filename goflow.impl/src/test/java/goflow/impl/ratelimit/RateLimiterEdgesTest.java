package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.context.Context;
import goflow.api.ratelimit.AdaptiveAlgorithm;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.LimitChange;
import goflow.api.ratelimit.GradientLimit;
import goflow.api.ratelimit.Permit;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.ratelimit.VegasLimit;
import goflow.api.ratelimit.ZeroRateException;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/** Review of the limiters at the edges: extreme rates, a clock too coarse to see a call's latency. */
class RateLimiterEdgesTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "test");
    private final Context background = Context.background(clock);

    @AfterEach
    void closeAll() {
        goflow.close();
    }

    /**
     * A positive rate so small that the wait exceeds Long.MAX_VALUE ns (one token per 317 years):
     * await on a context without any deadline must not report a deadline that does not exist (the
     * Go defect B-TB2 the docs promise not to reproduce: "never a fake deadline"). Like a rate whose
     * interval overflows a double (1e-300/s), it cannot succeed: ZeroRateException, nothing consumed.
     */
    @Test
    void aRateTooSmallToWaitForFailsLikeAZeroRateNotWithAFakeDeadline() {
        RateLimiter l = goflow.tokenBucket().name("slow").rate(1e-10).burst(1).initialTokens(0).build();
        ZeroRateException e = assertThrows(ZeroRateException.class, () -> l.await(background, 1));
        assertEquals(1, e.requested());
        assertEquals(0.0, l.tokens(), 1e-9, "nothing consumed");
        assertEquals(1, l.stats().denied());
        // the same for a rate that is only "zero" in floating point, and for the leaky bucket
        RateLimiter tiny = goflow.tokenBucket().name("tiny").rate(1e-300).burst(1).initialTokens(0).build();
        assertThrows(ZeroRateException.class, () -> tiny.await(background, 1));
        RateLimiter leaky = goflow.leakyBucket().name("leaky").leakRate(1e-10).capacity(1).build();
        assertTrue(leaky.allow());
        assertThrows(ZeroRateException.class, () -> leaky.await(background, 1));
    }

    /**
     * With a clock too coarse to see a call's latency (a ManualClock that does not move during the
     * call, a millisecond clock, a coarse nanoTime), the probe measures a no-load latency of 0 and
     * the next window an average of 0: 0 / 0 made the gradient NaN, the limit (int) NaN = 0, below
     * minLimit, and the limiter never granted a permit again.
     */
    @Test
    void aGradientLimitWithCallsOfZeroLatencyStaysWithinItsBoundsAndKeepsGranting() {
        AdaptiveLimiter l = goflow.adaptiveLimiter().algorithm(GradientLimit.defaults()).initialLimit(20)
                .minLimit(1).maxLimit(200).window(Duration.ofMillis(100), 1).build();
        clock.advance(Duration.ofMillis(100));
        l.tryAcquirePermit().orElseThrow().success(); // the start's probe: no-load latency 0
        assertEquals(20, l.limit());
        for (int window = 0; window < 5; window++) {
            clock.advance(Duration.ofMillis(100));
            List<Permit> permits = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                permits.add(l.tryAcquirePermit().orElseThrow(
                        () -> new AssertionError("no permit with nothing in flight; limit " + l.limit())));
            }
            permits.forEach(Permit::success);
            int limit = l.limit();
            assertTrue(limit >= 1 && limit <= 200, "limit " + limit + " outside [1, 200]");
        }
        assertEquals(0, l.inFlight());
    }

    /**
     * A probe whose calls the clock could not see (it did not move during them: a ManualClock, a
     * coarse clock) read a no-load latency of 0; every later window whose latency the clock could see
     * then read as a rise over 0 (Gradient: the lowest gradient, the limit pinned near 2; Vegas: a
     * queue as large as the limit, pinned near 4 for ever, as it never probes again), though the
     * latency never moved. A reading of 0 is measured again once the clock sees the latency.
     */
    @Test
    void aProbeTooFastForTheClockIsMeasuredAgainOnceTheClockSeesTheLatency() {
        for (AdaptiveAlgorithm algorithm : List.of(VegasLimit.defaults(), GradientLimit.defaults())) {
            AdaptiveLimiter l = goflow.adaptiveLimiter().name(algorithm.label()).algorithm(algorithm)
                    .initialLimit(20).minLimit(1).maxLimit(200).window(Duration.ofMillis(100), 1).build();
            clock.advance(Duration.ofMillis(100));
            l.tryAcquirePermit().orElseThrow().success(); // the start's probe: the clock does not move, 0 ns
            assertEquals(20, l.limit(), algorithm.label());
            for (int round = 0; round < 30; round++) {
                fillAndComplete(l, Duration.ofMillis(100)); // the same latency in every window
            }
            assertEquals(Duration.ofMillis(100), l.stats().noLoadLatency(), algorithm.label() + " " + l.history());
            assertTrue(l.limit() >= 20, algorithm.label() + ": a constant latency brought the limit down to "
                    + l.limit() + " " + l.history());
        }
    }

    /**
     * When the probe made again reads 0 too, the no-load latency really is below what the clock can
     * see and a visible latency is a rise over it: the reading stands (no probe every other window),
     * and the limit comes down.
     */
    @Test
    void aSecondProbeTooFastForTheClockStands() {
        AdaptiveLimiter l = goflow.adaptiveLimiter().algorithm(GradientLimit.defaults()).initialLimit(20)
                .minLimit(1).maxLimit(200).window(Duration.ofMillis(100), 1).build();
        clock.advance(Duration.ofMillis(100));
        l.tryAcquirePermit().orElseThrow().success(); // 0 ns
        for (int round = 0; round < 30; round++) {
            if (l.stats().probing()) {
                clock.advance(Duration.ofMillis(100));
                l.tryAcquirePermit().orElseThrow().success(); // a probe's calls: 0 ns again
            } else {
                fillAndComplete(l, Duration.ofMillis(100)); // under load the clock sees the latency
            }
        }
        long probes = l.history().stream().filter(LimitChange::probe).count();
        assertEquals(2, probes, "the start's probe, one made again, then the reading stands: " + l.history());
        assertTrue(l.limit() <= 5, "a latency risen from below a clock tick brings the limit down: " + l.limit());
    }

    /**
     * A probe pins the limit to minLimit and counts only the calls granted after it began, so it
     * waits for the calls in flight to drain below the minimum. One slow call (minLimit 1, the
     * default) held when a probe began - a straggler on a long deadline, a stream, a leaked permit -
     * stalled every caller for as long as it ran: no permit was granted, and no window could end.
     * A probe that has not had a call of its own within 10 x minTime is given up: the limit goes
     * back to the estimate, and the waiters are served.
     */
    @Test
    void aProbeThatSlowCallsKeepFromRunningIsGivenUpAndTheWaitersAreServed() throws InterruptedException {
        AdaptiveLimiter l = goflow.adaptiveLimiter().algorithm(new GradientLimit(0.25, 2)).initialLimit(20)
                .minLimit(1).maxLimit(200).window(Duration.ofMillis(100), 1).build();
        clock.advance(Duration.ofMillis(100));
        Permit first = l.tryAcquirePermit().orElseThrow();
        clock.advance(Duration.ofMillis(10));
        first.success(); // the start's probe: 10 ms
        Permit slow = l.tryAcquirePermit().orElseThrow(); // held across the next probe
        for (int round = 0; round < 10 && !l.stats().probing(); round++) {
            clock.advance(Duration.ofMillis(100));
            fillAndComplete(l, Duration.ofMillis(10));
        }
        assertTrue(l.stats().probing(), "a probe every 2 windows: " + l.history());
        assertEquals(1, l.inFlight());
        List<Permit> got = new ArrayList<>();
        Async waiter = Async.start("waiter", () -> got.add(l.acquirePermit(background)));
        Eventually.until(() -> l.stats().waiting() == 1);
        clock.advance(Duration.ofMillis(1100)); // past 10 x minTime, the slow call still running
        assertEquals(null, waiter.outcome(), "the waiter is served once the probe is given up");
        assertFalse(l.stats().probing());
        assertTrue(l.limit() > 1, "the limit is back to the estimate: " + l.limit());
        assertTrue(l.tryAcquirePermit().map(p -> {
            p.success();
            return true;
        }).orElse(false), "new callers are served too");
        got.get(0).success();
        slow.success();
        assertEquals(0, l.inFlight());
    }

    /**
     * Permit's javadoc example recorded a timeout in a catch of the try-with-resources, with a
     * comment to "record the overload signal first": the permit is out of scope there and already
     * closed, so the timeout was recorded as ignored. The example now records it inside the try.
     */
    @Test
    void permitsJavadocExampleRecordsATimeoutAsADrop() throws Exception {
        AdaptiveLimiter l = goflow.adaptiveLimiter().algorithm(GradientLimit.defaults()).build();
        // the old example's shape: the catch runs after close()
        try (Permit permit = l.acquirePermit(background)) {
            timingOut();
            permit.success();
        } catch (java.util.concurrent.TimeoutException e) {
            // permit is not in scope; close() has recorded ignore()
        }
        assertEquals(1, l.stats().ignored());
        assertEquals(0, l.stats().dropped());
        // the example now
        assertThrows(java.util.concurrent.TimeoutException.class, () -> {
            try (Permit permit = l.acquirePermit(background)) {
                try {
                    timingOut();
                } catch (java.util.concurrent.TimeoutException e) {
                    permit.dropped();
                    throw e;
                }
                permit.success();
            }
        });
        assertEquals(1, l.stats().dropped());
        assertEquals(1, l.stats().ignored());
    }

    private static void timingOut() throws java.util.concurrent.TimeoutException {
        throw new java.util.concurrent.TimeoutException("backend did not answer");
    }

    /** Takes every permit the limit allows, lets {@code latency} pass, and completes them all. */
    private void fillAndComplete(AdaptiveLimiter l, Duration latency) {
        List<Permit> permits = new ArrayList<>();
        for (var p = l.tryAcquirePermit(); p.isPresent(); p = l.tryAcquirePermit()) {
            permits.add(p.get());
        }
        clock.advance(latency);
        permits.forEach(Permit::success);
    }

    /**
     * The limiter's clock is the caller's code (a Clock of their own, say one that only measures
     * intervals and refuses instant()): when it throws while a permit is taken or comes back, the
     * permit must not be lost. Before, the in-flight count went up before the grant's clock read
     * (a permit counted that nobody holds) and the outcome's release came after the window's end
     * (which reads instant()): each such outcome kept its permit for ever, and once the limit's worth
     * had gone the limiter granted nothing again.
     */
    @Test
    void aClockThatThrowsLosesNoPermit() throws InterruptedException {
        AtomicBoolean failInstant = new AtomicBoolean();
        AtomicBoolean failNanoTime = new AtomicBoolean();
        Clock failing = new Clock() {
            @Override
            public long nanoTime() {
                if (failNanoTime.get()) {
                    throw new AssertionError("clock broken: nanoTime");
                }
                return clock.nanoTime();
            }

            @Override
            public Instant instant() {
                if (failInstant.get()) {
                    throw new UnsupportedOperationException("this clock only measures intervals");
                }
                return clock.instant();
            }
        };
        AdaptiveLimiter l = goflow.adaptiveLimiter().algorithm(GradientLimit.defaults()).clock(failing)
                .initialLimit(2).minLimit(2).maxLimit(2).window(Duration.ofMillis(100), 1).build();
        failInstant.set(true);
        for (int window = 0; window < 5; window++) {
            clock.advance(Duration.ofMillis(100));
            Permit p = l.tryAcquirePermit().orElseThrow(
                    () -> new AssertionError("no permit with nothing held; in flight " + l.inFlight()));
            assertThrows(UnsupportedOperationException.class, p::success, "the window's end reads instant()");
            assertEquals(0, l.inFlight(), "the permit came back all the same");
        }
        failInstant.set(false);
        failNanoTime.set(true);
        assertThrows(AssertionError.class, l::tryAcquirePermit);
        assertEquals(0, l.inFlight(), "a grant that failed counts no permit");
        failNanoTime.set(false);
        Permit a = l.tryAcquirePermit().orElseThrow();
        Permit b = l.tryAcquirePermit().orElseThrow();
        assertFalse(l.tryAcquirePermit().isPresent());
        // a release whose grant to a waiter fails on the clock: the permit comes back, the lock is not kept
        List<Permit> got = new ArrayList<>();
        Async waiter = Async.start("waiter", () -> got.add(l.acquirePermit(background)));
        Eventually.until(() -> l.stats().waiting() == 1);
        failNanoTime.set(true);
        assertThrows(AssertionError.class, a::success);
        failNanoTime.set(false);
        assertEquals(1, l.inFlight(), "a's permit came back; the waiter was not granted");
        b.success(); // the lock is free: the waiter takes a freed permit
        assertEquals(null, waiter.outcome());
        assertEquals(1, l.inFlight());
        got.get(0).success();
        assertEquals(0, l.inFlight());
    }
}

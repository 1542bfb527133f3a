package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.ClosedException;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.ratelimit.BurstExceededException;
import goflow.api.ratelimit.Rate;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.ratelimit.RateLimiterStats;
import goflow.api.ratelimit.Reservation;
import goflow.api.ratelimit.ZeroRateException;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/** Deterministic tests of the token bucket on a {@link ManualClock}. */
class TokenBucketTest extends NoThreadLeaks.LeakCheckedTest {
    private static final long MS = 1_000_000;

    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "test");
    private final Context background = Context.background(clock);

    @AfterEach
    void closeAll() {
        goflow.close();
    }

    private RateLimiter bucket(double rate, long burst) {
        return goflow.tokenBucket().rate(rate).burst(burst).build();
    }

    @Test
    void startsFullAndAdmitsTheBurstAtOnce() {
        RateLimiter l = bucket(10, 5);
        assertEquals(5.0, l.tokens());
        for (int i = 0; i < 5; i++) {
            assertTrue(l.allow(), "token " + i);
        }
        assertFalse(l.allow());
        assertEquals(0.0, l.tokens());
    }

    @Test
    void refillIsExactToTheNanosecond() {
        RateLimiter l = bucket(10, 1); // one token per 100 ms
        assertTrue(l.allow());
        clock.advanceNanos(100 * MS - 1);
        assertFalse(l.allow());
        clock.advanceNanos(1);
        assertTrue(l.allow());
        assertFalse(l.allow());
        // 1 000 tokens over 100 s, not one more
        int admitted = 0;
        for (int i = 0; i < 100_000; i++) {
            clock.advanceNanos(MS);
            if (l.allow()) {
                admitted++;
            }
        }
        assertEquals(1000, admitted);
    }

    @Test
    void refillWithAFractionalIntervalAdmitsExactlyRateTimesTime() {
        RateLimiter l = goflow.tokenBucket().rate(3).burst(2).initialTokens(0).build();
        int admitted = 0;
        for (int i = 0; i < 60_000; i++) { // 60 s in 1 ms steps
            clock.advanceNanos(MS);
            if (l.allow()) {
                admitted++;
            }
        }
        assertEquals(180, admitted);
    }

    @Test
    void refillNeverExceedsTheBurst() {
        RateLimiter l = bucket(100, 3);
        assertTrue(l.allow(3));
        clock.advance(Duration.ofHours(1));
        assertEquals(3.0, l.tokens());
        assertTrue(l.allow(3));
        assertFalse(l.allow());
    }

    @Test
    void allowOfMoreThanTheBurstIsAlwaysFalseAndZeroIsAlwaysTrue() {
        RateLimiter l = bucket(10, 2);
        assertFalse(l.allow(3));
        assertEquals(2.0, l.tokens());
        assertTrue(l.allow(2));
        assertTrue(l.allow(0));
        assertFalse(l.allow(1));
    }

    @Test
    void initialTokensAreClampedToTheBurstAndZeroStartsEmpty() {
        RateLimiter clamped = goflow.tokenBucket().rate(1).burst(4).initialTokens(1000).build();
        assertEquals(4.0, clamped.tokens());
        assertFalse(clamped.allow(5));
        RateLimiter empty = goflow.tokenBucket().rate(1).burst(4).initialTokens(0).build();
        assertEquals(0.0, empty.tokens());
        assertFalse(empty.allow());
    }

    @Test
    void reservationsGoIntoDebtAndQueueInOrder() {
        RateLimiter l = goflow.tokenBucket().rate(10).burst(5).initialTokens(0).build();
        Reservation r1 = l.reserve(3);
        Reservation r2 = l.reserve(2);
        assertTrue(r1.ok());
        assertEquals(Duration.ofMillis(300), r1.delay());
        assertEquals(Duration.ofMillis(500), r2.delay());
        assertEquals(-5.0, l.tokens());
        assertFalse(l.allow(), "allow never takes from debt");
        clock.advance(Duration.ofMillis(200));
        assertEquals(Duration.ofMillis(100), r1.delay(), "delay is measured on the limiter's clock");
        assertEquals(-3.0, l.tokens(), 1e-9);
        clock.advance(Duration.ofMillis(300));
        assertEquals(Duration.ZERO, r2.delay());
        assertEquals(0.0, l.tokens(), 1e-9);
    }

    @Test
    void cancelRefundsAnImmediateReservationOnceOnly() {
        RateLimiter l = bucket(10, 5);
        Reservation r = l.reserve(3);
        assertEquals(Duration.ZERO, r.delay());
        assertEquals(2.0, l.tokens());
        r.cancel();
        assertTrue(r.isCancelled());
        assertEquals(5.0, l.tokens());
        assertTrue(l.allow(4));
        r.cancel(); // idempotent: no second refund
        assertEquals(1.0, l.tokens());
    }

    @Test
    void cancelRefundsOnlyWhatLaterReservationsDoNotBuildOn() {
        RateLimiter l = goflow.tokenBucket().rate(10).burst(5).initialTokens(0).build();
        Reservation r1 = l.reserve(3); // acts at 300 ms
        Reservation r2 = l.reserve(2); // acts at 500 ms, behind r1
        r1.cancel(); // 3 reserved, 2 reserved after it: refund 1
        assertEquals(-4.0, l.tokens(), 1e-9);
        assertEquals(Duration.ofMillis(500), r2.delay(), "a pending reservation keeps its time");
        r2.cancel(); // the last one: refund all of it
        assertEquals(-2.0, l.tokens(), 1e-9);
        r2.cancel();
        r1.cancel();
        assertEquals(-2.0, l.tokens(), 1e-9);
    }

    @Test
    void cancelAfterTheTimeToActRefundsNothing() {
        RateLimiter l = goflow.tokenBucket().rate(10).burst(5).initialTokens(0).build();
        Reservation r = l.reserve(2); // acts at 200 ms
        clock.advance(Duration.ofMillis(201));
        double before = l.tokens();
        r.cancel();
        assertEquals(before, l.tokens());
        Reservation now = l.reserve(0);
        now.cancel();
        assertEquals(before, l.tokens());
    }

    @Test
    void cancelNeverRaisesTokensAboveTheBurst() {
        RateLimiter l = bucket(10, 5);
        Reservation r = l.reserve(5);
        clock.advance(Duration.ZERO);
        assertEquals(0.0, l.tokens());
        r.cancel();
        assertEquals(5.0, l.tokens());
    }

    @Test
    void reserveOfMoreThanTheBurstIsNotOkAndTakesNothing() {
        RateLimiter l = bucket(10, 5);
        Reservation r = l.reserve(6);
        assertFalse(r.ok());
        assertEquals(RateLimiter.never(), r.delay());
        r.cancel();
        assertTrue(r.isCancelled(), "cancel() was called (it gives nothing back)");
        assertEquals(5.0, l.tokens());
        assertEquals(0, l.stats().cancelled(), "nothing was reserved, so nothing was cancelled");
    }

    @Test
    void setRateCountsAccruedTokensAtTheOldRate() {
        RateLimiter l = goflow.tokenBucket().rate(10).burst(100).initialTokens(0).build();
        clock.advance(Duration.ofMillis(500)); // 5 tokens at 10/s
        l.setRate(100);
        assertEquals(5.0, l.tokens(), 1e-9);
        clock.advance(Duration.ofMillis(100)); // +10 at 100/s
        assertEquals(15.0, l.tokens(), 1e-9);
        assertEquals(Rate.perSecond(100), l.rate());
        l.setRate(Rate.every(Duration.ofSeconds(1)));
        clock.advance(Duration.ofSeconds(2));
        assertEquals(17.0, l.tokens(), 1e-9);
    }

    @Test
    void setRateCarriesDebtAndRepaysItAtTheNewRate() {
        RateLimiter l = goflow.tokenBucket().rate(10).burst(10).initialTokens(0).build();
        l.reserve(10); // debt of 10
        l.setRate(100);
        assertEquals(-10.0, l.tokens(), 1e-9);
        clock.advance(Duration.ofMillis(100));
        assertEquals(0.0, l.tokens(), 1e-9);
    }

    @Test
    void setBurstClampsTokensAndRaisingItKeepsThem() {
        RateLimiter l = bucket(10, 10);
        l.setBurst(4);
        assertEquals(4, l.burst());
        assertEquals(4.0, l.tokens());
        assertFalse(l.allow(5));
        l.setBurst(8);
        assertEquals(4.0, l.tokens());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(8.0, l.tokens());
    }

    @Test
    void zeroRateSpendsWhatIsThereThenFailsClearly() throws InterruptedException {
        RateLimiter l = goflow.tokenBucket().rate(Rate.ZERO).burst(3).build();
        assertTrue(l.allow(2));
        clock.advance(Duration.ofHours(1));
        assertEquals(1.0, l.tokens());
        assertFalse(l.allow(2));
        Reservation r = l.reserve(2);
        assertFalse(r.ok());
        l.await(background, 1);
        ZeroRateException e = assertThrows(ZeroRateException.class, () -> l.await(background, 1));
        assertEquals("token-bucket 'token-bucket-1': await(n=1) cannot succeed: the rate is zero (or too small for "
                + "the tokens to come within 292 years) and only 0.0 tokens are available - raise the rate with setRate",
                e.getMessage());
        assertFalse(DeadlineExceededException.class.isInstance(e));
        // an ok reservation at rate zero is refunded by an immediate cancel
        l.setRate(Rate.ZERO);
        l.setBurst(3);
        l.setRate(1);
        clock.advance(Duration.ofSeconds(3));
        l.setRate(0);
        Reservation ok = l.reserve(2);
        assertTrue(ok.ok());
        ok.cancel();
        assertEquals(3.0, l.tokens());
    }

    @Test
    void unlimitedRateAdmitsEverythingAndConsumesNothing() throws InterruptedException {
        RateLimiter l = goflow.tokenBucket().rate(Rate.UNLIMITED).burst(2).build();
        assertTrue(l.allow(1_000));
        assertTrue(l.allow(RateLimiter.MAX_BURST));
        assertEquals(2.0, l.tokens());
        Reservation r = l.reserve(50);
        assertTrue(r.ok());
        assertEquals(Duration.ZERO, r.delay());
        l.await(background, 50);
        assertTrue(Rate.every(Duration.ZERO).isUnlimited());
        // back to a finite rate: the bucket is full, and cancelling what unlimited granted refunds nothing
        l.setRate(1);
        assertTrue(l.allow(1));
        r.cancel();
        assertEquals(1.0, l.tokens());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(2.0, l.tokens());
        assertTrue(l.allow(2));
        assertFalse(l.allow());
    }

    @Test
    void everyConvertsAnIntervalToARate() {
        assertEquals(10.0, Rate.every(Duration.ofMillis(100)).eventsPerSecond(), 1e-12);
        assertEquals(0.5, Rate.of(30, Duration.ofMinutes(1)).eventsPerSecond(), 1e-12);
        assertEquals("10.0/s", Rate.perSecond(10).toString());
        assertEquals("unlimited", Rate.UNLIMITED.toString());
    }

    @Test
    void awaitFailsAtOnceWhenTheDeadlineCannotBeMet() throws InterruptedException {
        RateLimiter l = goflow.tokenBucket().rate(10).burst(5).initialTokens(0).build();
        try (CancellableContext ctx = background.withTimeout(Duration.ofMillis(50))) {
            DeadlineExceededException e = assertThrows(DeadlineExceededException.class, () -> l.await(ctx, 1));
            assertEquals("token-bucket 'token-bucket-1': await(n=1) would have to wait PT0.1S, beyond the context "
                    + "deadline (in PT0.05S)", e.getMessage());
        }
        assertEquals(0.0, l.tokens(), "nothing consumed");
        assertEquals(0L, clock.nanoTime(), "no time passed");
        assertEquals(1L, l.stats().denied());
        // exactly at the deadline is fine
        try (CancellableContext ctx = background.withTimeout(Duration.ofMillis(100))) {
            Async a = Async.start("waiter", () -> l.await(ctx, 1));
            Eventually.until(() -> clock.parkedThreads() == 1);
            clock.advance(Duration.ofMillis(100));
            assertNull(a.outcome());
        }
    }

    @Test
    void awaitOfMoreThanTheBurstFailsAtOnce() {
        RateLimiter l = goflow.tokenBucket().name("api").rate(10).burst(5).build();
        BurstExceededException e = assertThrows(BurstExceededException.class, () -> l.await(background, 6));
        assertEquals("token-bucket 'api': await(n=6) exceeds the burst 5 - ask for at most the burst, or raise it "
                + "with setBurst", e.getMessage());
        assertEquals(6, e.requested());
        assertEquals(5, e.burst());
        assertEquals(5.0, l.tokens());
    }

    @Test
    void awaitWaitsOnTheLimiterClockInArrivalOrder() throws InterruptedException {
        RateLimiter l = goflow.tokenBucket().rate(10).burst(1).initialTokens(0).build();
        Async first = Async.start("first", () -> l.await(background));
        Eventually.until(() -> clock.parkedThreads() == 1);
        Async second = Async.start("second", () -> l.await(background));
        Eventually.until(() -> clock.parkedThreads() == 2);
        assertEquals(-2.0, l.tokens(), 1e-9);
        clock.advance(Duration.ofMillis(100));
        assertNull(first.outcome());
        assertFalse(second.isDone());
        clock.advance(Duration.ofMillis(100));
        assertNull(second.outcome());
        RateLimiterStats s = l.stats();
        assertEquals(2, s.waited());
        assertEquals(2, s.allowed());
    }

    @Test
    void awaitCancelledWhileWaitingRefundsTheTokens() throws InterruptedException {
        RateLimiter l = goflow.tokenBucket().rate(10).burst(5).initialTokens(0).build();
        CancellableContext ctx = background.withCancel();
        Async a = Async.start("waiter", () -> l.await(ctx, 3));
        Eventually.until(() -> clock.parkedThreads() == 1);
        assertEquals(-3.0, l.tokens(), 1e-9);
        ctx.cancel();
        assertInstanceOf(CancelledException.class, a.outcome());
        assertEquals(0.0, l.tokens(), 1e-9);
        assertEquals(1, l.stats().cancelled());
    }

    @Test
    void awaitInterruptedWhileWaitingThrowsAndRefunds() throws InterruptedException {
        RateLimiter l = goflow.tokenBucket().rate(10).burst(5).initialTokens(0).build();
        Async a = Async.start("waiter", () -> l.await(background, 2));
        Eventually.until(() -> clock.parkedThreads() == 1);
        a.interrupt();
        assertInstanceOf(InterruptedException.class, a.outcome());
        assertEquals(0.0, l.tokens(), 1e-9);
    }

    @Test
    void awaitOnADoneContextConsumesNothing() {
        RateLimiter l = bucket(10, 5);
        CancellableContext ctx = background.withCancel();
        ctx.cancel();
        assertThrows(CancelledException.class, () -> l.await(ctx, 1));
        assertEquals(5.0, l.tokens());
    }

    @Test
    void closeFailsWaitersAndRefusesOperations() throws InterruptedException {
        RateLimiter l = goflow.tokenBucket().name("closing").rate(1).burst(1).initialTokens(0).build();
        Async a = Async.start("waiter", () -> l.await(background));
        Eventually.until(() -> clock.parkedThreads() == 1);
        l.close();
        Throwable t = a.outcome();
        assertInstanceOf(ClosedException.class, t);
        assertEquals("token-bucket 'closing' is closed: await refused", t.getMessage());
        assertThrows(ClosedException.class, l::allow);
        assertThrows(ClosedException.class, () -> l.reserve(1));
        assertThrows(ClosedException.class, () -> l.setRate(2));
        assertTrue(goflow.registry().find("closing").isEmpty());
        l.close();
        assertEquals(1.0, l.burst(), "getters still work");
    }

    @Test
    void precisionSurvivesRebasingAfterALongUptime() {
        RateLimiter l = bucket(1000, 1);
        assertTrue(l.allow());
        for (int day = 0; day < 3; day++) {
            clock.advance(Duration.ofHours(8));
            assertTrue(l.allow());
            assertFalse(l.allow());
            clock.advanceNanos(MS - 1);
            assertFalse(l.allow());
            clock.advanceNanos(1);
            assertTrue(l.allow());
        }
    }

    /**
     * A bucket left idle for longer than 2^53 ns (104 days) is used again: the clock reading since its
     * epoch began is then a double with a unit in the last place of 4 ns (at one year). The take was
     * computed at that rounded time and the rebase came only after it, so at 10^9 tokens/s a full
     * bucket of 10 held up to 4 tokens more or less than it should: 14 admitted at one instant.
     */
    @Test
    void aTakeAfterAYearIdleIsExactToTheToken() {
        for (long extra = 0; extra < 8; extra++) {
            RateLimiter l = bucket(1e9, 10);
            clock.advance(Duration.ofDays(365).plusNanos(extra));
            assertTrue(l.allow(10), "the full burst after " + extra);
            assertFalse(l.allow(1), "one more than the burst after " + extra);
            assertEquals(0.0, l.tokens(), 1e-9);
            clock.advanceNanos(1);
            assertEquals(1.0, l.tokens(), 1e-9, "one token a nanosecond later, after " + extra);
            l.close();
        }
    }

    /**
     * A full bucket drained by single takes at one instant gives exactly its burst, at any rate and
     * any uptime. Kept as a time, each take added a token's interval (1.43 ns at 7e8/s, not a
     * multiple of the double's unit there, 2^-13 ns ten minutes in) to the frontier and rounded:
     * the errors piled up over the takes, and a bucket of a million gave 999 987 at 7e8/s, and
     * 1 000 021 at 4.9e8/s.
     */
    @Test
    void aFullBurstTakenOneByOneIsExactlyTheBurstAtHighRates() {
        for (double rate : new double[] {7e8, 4.9e8, 3e6}) {
            RateLimiter l = bucket(rate, 1_000_000);
            clock.advance(Duration.ofMinutes(10));
            long admitted = 0;
            while (l.allow()) {
                admitted++;
            }
            assertEquals(1_000_000, admitted, "at " + rate + "/s");
            l.close();
        }
    }

    @Test
    void statsCountAllowedDeniedAndShowTheState() {
        RateLimiter l = goflow.tokenBucket().name("s").rate(10).burst(2).build();
        l.allow();
        l.allow();
        l.allow();
        RateLimiterStats s = l.stats();
        assertEquals(new RateLimiterStats(10, 2, 0, 2, 1, 0, 0), s);
        assertEquals(List.of("rate", "burst", "tokens", "allowed", "denied", "waited", "cancelled"),
                List.copyOf(s.toMap().keySet()));
        assertEquals(s, goflow.registry().snapshot().get(0).stats());
    }

    @Test
    void invalidArgumentsAreRejectedWithTheirMessage() {
        assertMessage("token-bucket: invalid rate=-1.0 (must not be negative) - " + LimiterChecks.RATE_HINT,
                () -> goflow.tokenBucket().rate(-1));
        assertMessage("token-bucket: invalid rate=NaN (must be a number, not NaN) - " + LimiterChecks.RATE_HINT,
                () -> goflow.tokenBucket().rate(Double.NaN));
        assertMessage("token-bucket: invalid rate=null (must not be null) - " + LimiterChecks.RATE_HINT,
                () -> goflow.tokenBucket().rate((Rate) null));
        assertMessage("token-bucket: invalid burst=0 (must be positive) - " + TokenBucketImpl.BURST_HINT,
                () -> goflow.tokenBucket().burst(0));
        assertMessage("token-bucket: invalid burst=-3 (must be positive) - " + TokenBucketImpl.BURST_HINT,
                () -> goflow.tokenBucket().burst(-3));
        assertMessage("token-bucket: invalid burst=4503599627370497 (must be at most 2^52 (4503599627370496)) - "
                + TokenBucketImpl.BURST_HINT, () -> goflow.tokenBucket().burst(RateLimiter.MAX_BURST + 1));
        assertMessage("token-bucket: invalid initialTokens=-1 (must not be negative) - the tokens in the bucket at "
                + "creation; values above the burst are clamped to it", () -> goflow.tokenBucket().initialTokens(-1));
        assertMessage("token-bucket: invalid clock=null (must not be null)", () -> goflow.tokenBucket().clock(null));
        assertMessage("token-bucket: invalid rate=2.0 (was already set) - set each builder field once",
                () -> goflow.tokenBucket().rate(1).rate(2));
        assertMessage("token-bucket: invalid rate=null (is required) - call rate(tokensPerSecond) or rate(Rate)",
                () -> goflow.tokenBucket().burst(2).build());
        assertMessage("rate: invalid eventsPerSecond=-2.0 (must not be negative) - use 0 for no refill, a positive "
                + "number, or Rate.UNLIMITED", () -> Rate.perSecond(-2));
        assertMessage("rate: invalid eventsPerSecond=NaN (must be a number, not NaN) - use 0 for no refill, a "
                + "positive number, or Rate.UNLIMITED", () -> Rate.perSecond(Double.NaN));
        assertMessage("rate: invalid interval=PT-1S (must not be negative) - give the time between two events; zero "
                + "means unlimited", () -> Rate.every(Duration.ofSeconds(-1)));
        assertMessage("rate: invalid interval=null (must not be null) - give the time between two events, e.g. "
                + "Duration.ofMillis(100)", () -> Rate.every(null));

        RateLimiter l = goflow.tokenBucket().name("live").rate(10).burst(5).build();
        assertMessage("token-bucket 'live': invalid rate=-1.0 (must not be negative) - " + LimiterChecks.RATE_HINT,
                () -> l.setRate(-1));
        assertMessage("token-bucket 'live': invalid rate=NaN (must be a number, not NaN) - " + LimiterChecks.RATE_HINT,
                () -> l.setRate(Double.NaN));
        assertMessage("token-bucket 'live': invalid rate=null (must not be null) - " + LimiterChecks.RATE_HINT,
                () -> l.setRate((Rate) null));
        assertMessage("token-bucket 'live': invalid burst=0 (must be positive) - " + TokenBucketImpl.BURST_HINT,
                () -> l.setBurst(0));
        assertMessage("token-bucket 'live': invalid n=-1 (must not be negative) - ask for zero or more tokens",
                () -> l.allow(-1));
        assertMessage("token-bucket 'live': invalid n=-1 (must not be negative) - ask for zero or more tokens",
                () -> l.reserve(-1));
        assertMessage("token-bucket 'live': invalid ctx=null (must not be null) - pass Context.background() to wait "
                + "without a deadline", () -> l.await(null, 1));
        assertEquals(Rate.perSecond(10), l.rate(), "a rejected change changes nothing");
        assertEquals(5, l.burst());
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        Throwable t = assertThrows(goflow.api.GoFlowException.class, call);
        assertEquals(expected, t.getMessage());
    }
}

package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.Rate;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.ratelimit.Reservation;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;

/**
 * {@link Reservation#cancel()} refunds what was reserved less what later reservations build on,
 * whatever rate or burst changes were made between the reservation and the cancel: the refund is
 * counted in tokens, not in time computed at a rate that has since changed.
 */
class RefundAcrossChangesTest {
    private static final double EPS = 1e-9;

    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "test");

    @AfterEach
    void closeAll() {
        goflow.close();
    }

    private RateLimiter bucket(double rate, long burst) {
        return goflow.tokenBucket().rate(rate).burst(burst).build();
    }

    @Test
    void aSlowDownThenACancelGivesEveryTokenBack() {
        RateLimiter l = bucket(10, 10);
        l.reserve(10); // takes the full bucket
        Reservation r = l.reserve(10); // in debt, due in 1 s
        l.setRate(Rate.perSecond(1));
        r.cancel(); // nothing was reserved after r
        assertEquals(0.0, l.tokens(), EPS);
    }

    @Test
    void aSpeedUpThenACancelGivesEveryTokenBackWhenNothingCameAfter() {
        RateLimiter l = bucket(10, 10);
        l.reserve(10);
        Reservation r = l.reserve(10);
        l.setRate(Rate.perSecond(100));
        r.cancel();
        assertEquals(0.0, l.tokens(), EPS);
    }

    @Test
    void afterASpeedUpWhatLaterReservationsBuildOnIsKept() {
        RateLimiter l = bucket(10, 10);
        l.reserve(10);
        Reservation r = l.reserve(5); // due at 500 ms
        l.reserve(5); // due at 1 s, behind r
        l.setRate(Rate.perSecond(100));
        assertEquals(-10.0, l.tokens(), EPS);
        r.cancel(); // the later 5 build on r's 5: nothing comes back
        assertEquals(-10.0, l.tokens(), EPS);
    }

    @Test
    void afterASlowDownWhatLaterReservationsBuildOnIsKeptAndTheRestComesBack() {
        RateLimiter l = bucket(10, 10);
        l.reserve(10);
        Reservation r = l.reserve(4);
        Reservation later = l.reserve(2);
        l.setRate(Rate.perSecond(1));
        assertEquals(-6.0, l.tokens(), EPS);
        r.cancel(); // 4 reserved, 2 build on it: 2 come back
        assertEquals(-4.0, l.tokens(), EPS);
        later.cancel(); // the last one: all of it
        assertEquals(-2.0, l.tokens(), EPS);
    }

    @Test
    void severalChangesInBetweenAndTimePassingChangeNothingInTheCount() {
        RateLimiter l = bucket(10, 10);
        l.reserve(10);
        Reservation r = l.reserve(6); // due at 600 ms at 10/s
        clock.advance(Duration.ofMillis(100)); // -6 + 1 = -5
        l.setRate(Rate.perSecond(2));
        l.setBurst(20);
        clock.advance(Duration.ofMillis(500)); // -5 + 1 = -4
        l.setRate(Rate.perSecond(50));
        l.reserve(3); // behind r
        assertEquals(-7.0, l.tokens(), EPS);
        r.cancel(); // before its time to act (600 ms): 6 reserved, 3 build on it
        assertEquals(-4.0, l.tokens(), EPS);
    }

    @Test
    void aBurstChangeThenACancelGivesEveryTokenBack() {
        RateLimiter l = bucket(10, 10);
        l.reserve(10);
        Reservation r = l.reserve(10);
        clock.advance(Duration.ofMillis(300));
        l.setBurst(4);
        l.setBurst(30);
        r.cancel();
        assertEquals(3.0, l.tokens(), EPS);
    }

    @Test
    void aCancelAfterTheAnnouncedTimeToActRefundsNothingAfterChangesToo() {
        RateLimiter l = bucket(10, 10);
        l.reserve(10);
        Reservation r = l.reserve(10); // announced: due at 1 s
        l.setRate(Rate.perSecond(1));
        clock.advance(Duration.ofMillis(1001)); // the holder was told it could act at 1 s
        double before = l.tokens();
        r.cancel();
        assertEquals(before, l.tokens(), EPS);
    }

    @Test
    void theLeakyBucketFollowsTheSameRuleAcrossLeakRateAndCapacityChanges() {
        LeakyBucket l = goflow.leakyBucket().leakRate(10).capacity(10).build();
        l.reserve(10);
        Reservation r = l.reserve(10);
        l.setRate(Rate.perSecond(1));
        r.cancel();
        assertEquals(0.0, l.available(), EPS);
        assertEquals(10.0, l.level(), EPS);

        Reservation r2 = l.reserve(4);
        Reservation r3 = l.reserve(2);
        l.setRate(Rate.perSecond(100));
        l.setCapacity(40);
        r2.cancel(); // 2 build on it
        assertEquals(-4.0, l.available(), EPS);
        r3.cancel();
        assertEquals(-2.0, l.available(), EPS);
    }

    @Test
    void aRateOfZeroInBetweenKeepsTheCountToo() {
        RateLimiter l = bucket(10, 10);
        l.reserve(10);
        Reservation r = l.reserve(5);
        l.reserve(2);
        l.setRate(Rate.ZERO);
        r.cancel(); // 5 reserved, 2 build on it
        assertEquals(-4.0, l.tokens(), EPS);
        l.setRate(Rate.perSecond(10));
        assertEquals(-4.0, l.tokens(), EPS);
    }

    /**
     * The token line's positions grow as rate x uptime, idle time included: 3e16 after a year at
     * 10^9 tokens/s, where a double keeps whole multiples of 4. Kept as doubles, the positions of a
     * grant and of the epoch it is refunded in came out tokens apart, and a cancel gave back tokens
     * that a later reservation had built on (or kept some that were due back).
     */
    @Test
    void afterAYearAtAGigaRateTheCountIsStillExactToTheToken() {
        RateLimiter l = bucket(1e9, 10);
        for (int year = 1; year <= 3; year++) {
            clock.advance(Duration.ofDays(365));
            l.setRate(Rate.perSecond(1e9)); // a new epoch, far along the token line
            Reservation r = l.reserve(5); // at once: 5 left
            Reservation later = l.reserve(7); // 2 in debt: builds on 2 of r's 5
            l.setRate(Rate.perSecond(1e9)); // refunds now convert positions between epochs
            r.cancel();
            assertEquals(1.0, l.tokens(), EPS, "year " + year + ": r gives back 3");
            later.cancel();
            assertEquals(8.0, l.tokens(), EPS, "year " + year + ": later gives back 7");
        }
    }
}

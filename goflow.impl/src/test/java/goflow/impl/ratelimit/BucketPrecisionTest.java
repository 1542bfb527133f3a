package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.ratelimit.RateLimiter;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;

/**
 * How exactly a bucket keeps its times, as RateLimiter's javadoc states it: to the nanosecond while
 * a whole refill takes under 2^53 ns; to a 2^-52 fraction of the refill time beyond (a token's
 * interval at MAX_BURST).
 */
class BucketPrecisionTest {
    private static final long SECOND = 1_000_000_000L;
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "test");

    @AfterEach
    void closeAll() {
        goflow.close();
    }

    @Test
    void aRefillJustUnder2To53NanosecondsIsExactToTheNanosecond() {
        long burst = 9_000_000; // at 1/s: 9e15 ns to refill, 2^53 is 9.007e15
        RateLimiter l = goflow.tokenBucket().rate(1).burst(burst).build();
        clock.advance(Duration.ofMillis(900));
        assertTrue(l.allow(burst));
        for (int k = 1; k <= 3; k++) {
            // a token is due within a billionth of its interval (1 ns here) counts as due
            clock.advance(Duration.ofNanos(SECOND - 2));
            assertFalse(l.allow(1), "token " + k + " 2 ns early");
            clock.advance(Duration.ofNanos(2));
            assertTrue(l.allow(1), "token " + k + " on time");
        }
    }

    @Test
    void atTheLargestBurstAdmissionIsWithinOneTokensInterval() {
        RateLimiter l = goflow.tokenBucket().rate(1).burst(RateLimiter.MAX_BURST).build();
        clock.advance(Duration.ofMillis(800));
        assertTrue(l.allow(RateLimiter.MAX_BURST));
        int admitted = 0;
        for (int step = 1; step <= 10_000; step++) { // 100 s in steps of 10 ms
            clock.advance(Duration.ofMillis(10));
            if (l.allow(1)) {
                admitted++;
            }
        }
        // exact arithmetic would admit 100 (one per second); the double keeps times to within a
        // token's interval here, so one more or one less at most
        assertTrue(admitted >= 99 && admitted <= 101, "admitted " + admitted + " in 100 s at 1/s");
    }

    /**
     * Over twelve hours of steady use (some forty rebases), at any instant the tokens taken are
     * exactly floor(rate x time) of a drained bucket, and the next token comes at the nanosecond it
     * is due: at high rates, where a token's interval is not a multiple of the double's unit, and
     * above 10^9/s. Counted in time, the rounding of each take piled up (a token refused at the
     * nanosecond it was due at 7e8/s after 18 minutes), and a rebase carried the rounding of the
     * rate's reciprocal from epoch to epoch.
     */
    @Test
    void aLongRunTakesExactlyRateTimesTimeAtEveryInstant() {
        Random random = new Random(7);
        BigDecimal perSecond = BigDecimal.valueOf(SECOND);
        for (double rate : new double[] {7e8, 4.9e8, 1e9, 3e12, 123_456.789, 3}) {
            long start = clock.nanoTime();
            long burst = (long) (rate * 120) + 1; // never refills in a step: every token is counted
            RateLimiter l = goflow.tokenBucket().rate(rate).burst(burst).build();
            assertTrue(l.allow(burst));
            BigDecimal exactRate = new BigDecimal(rate);
            long taken = 0;
            for (int step = 0; step < 720; step++) {
                long at = clock.nanoTime() + (long) (30e9 + 30e9 * random.nextDouble());
                clock.advance(Duration.ofNanos(at - clock.nanoTime()));
                long due = BigDecimal.valueOf(at - start).multiply(exactRate)
                        .divide(perSecond, 0, RoundingMode.FLOOR).longValueExact();
                String where = rate + "/s after " + (at - start) + " ns";
                assertTrue(l.allow(due - taken), where + ": " + (due - taken) + " tokens, " + l.tokens());
                taken = due;
                long next = start + BigDecimal.valueOf(taken + 1).multiply(perSecond)
                        .divide(exactRate, 0, RoundingMode.CEILING).longValueExact();
                clock.advance(Duration.ofNanos(next - 1 - clock.nanoTime()));
                long before = BigDecimal.valueOf(next - 1 - start).multiply(exactRate)
                        .divide(perSecond, 0, RoundingMode.FLOOR).longValueExact();
                assertEquals(taken, before, "the test's own arithmetic");
                BigDecimal short1 = BigDecimal.valueOf(taken + 1).subtract(BigDecimal.valueOf(next - 1 - start)
                        .multiply(exactRate).divide(perSecond, 20, RoundingMode.HALF_EVEN));
                if (short1.doubleValue() > 2e-9) { // a token due within a billionth of one counts as due
                    assertFalse(l.allow(1), where + ": a token a nanosecond early, " + l.tokens());
                }
                clock.advance(Duration.ofNanos(1));
                long now = BigDecimal.valueOf(next - start).multiply(exactRate)
                        .divide(perSecond, 0, RoundingMode.FLOOR).longValueExact();
                assertTrue(l.allow(now - taken), where + ": the tokens due at " + next + ", " + l.tokens());
                assertFalse(l.allow(1), where + ": one more, " + l.tokens());
                taken = now;
            }
            l.close();
        }
    }
}

package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

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
}

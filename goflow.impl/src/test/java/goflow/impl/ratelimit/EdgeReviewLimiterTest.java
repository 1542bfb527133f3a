package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.context.Context;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.GradientLimit;
import goflow.api.ratelimit.Permit;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.ratelimit.ZeroRateException;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/** Review of the limiters at the edges: extreme rates, a clock too coarse to see a call's latency. */
class EdgeReviewLimiterTest extends NoThreadLeaks.LeakCheckedTest {
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
}

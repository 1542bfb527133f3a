package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.context.Context;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/** Review of the bucket limiters at the edges: a clock that throws, extreme values. */
class BucketEdgeReviewTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "test");
    private final Context background = Context.background(clock);

    @AfterEach
    void closeAll() {
        goflow.close();
    }

    /** A clock of the caller's that throws (an Error here) while {@code failing} is set. */
    private Clock failingClock(AtomicBoolean failing) {
        return new Clock() {
            @Override
            public long nanoTime() {
                if (failing.get()) {
                    throw new AssertionError("clock broken: nanoTime");
                }
                return clock.nanoTime();
            }

            @Override
            public Instant instant() {
                return clock.instant();
            }
        };
    }

    /**
     * The limiter's clock is the caller's code. A configuration change freezes the current epoch and
     * then reads the clock: when that read threw, the epoch stayed frozen with no successor, and every
     * later call on the limiter (allow, tokens, setRate...) spun for ever waiting for one.
     */
    @Test
    void aClockThatThrowsDuringAConfigurationChangeLeavesTheLimiterUsable() throws InterruptedException {
        AtomicBoolean failing = new AtomicBoolean();
        RateLimiter l = goflow.tokenBucket().name("clocked").rate(1).burst(3).clock(failingClock(failing)).build();
        assertTrue(l.allow());
        failing.set(true);
        assertThrows(AssertionError.class, () -> l.setRate(2));
        assertThrows(AssertionError.class, () -> l.setBurst(5));
        failing.set(false);
        assertEquals(1.0, l.rate().eventsPerSecond(), 0, "the failed setRate changed nothing");
        assertEquals(3, l.burst(), "the failed setBurst changed nothing");
        Async use = Async.start("user", () -> {
            assertEquals(2.0, l.tokens(), 1e-9, "the failed changes took nothing");
            assertTrue(l.allow());
            assertTrue(l.allow());
            assertFalse(l.allow());
            l.setRate(2);
            clock.advance(Duration.ofMillis(500));
            assertTrue(l.allow());
            assertFalse(l.allow());
        });
        assertNull(use.outcome(), "the limiter works again once its clock does");
    }
}

package goflow.impl.ratelimit;

import static goflow.impl.ratelimit.TokenBucketTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.Primitive;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.ratelimit.BurstExceededException;
import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.Rate;
import goflow.api.ratelimit.Reservation;
import goflow.api.ratelimit.ZeroRateException;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/** Deterministic tests of the leaky bucket on a {@link ManualClock}. */
class LeakyBucketTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "test");
    private final Context background = Context.background(clock);

    @AfterEach
    void closeAll() {
        goflow.close();
    }

    @Test
    void startsEmptyAndAdmitsUpToTheCapacity() {
        LeakyBucket b = goflow.leakyBucket().leakRate(10).capacity(3).build();
        assertEquals(Primitive.Kind.LEAKY_BUCKET, b.kind());
        assertEquals(0.0, b.level());
        assertEquals(3.0, b.available());
        assertTrue(b.allow(2));
        assertEquals(2.0, b.level());
        assertFalse(b.allow(2), "does not fit");
        assertTrue(b.allow());
        assertEquals(3.0, b.level());
        assertEquals(0.0, b.available());
        assertFalse(b.allow(4), "more than the capacity never fits");
    }

    @Test
    void drainsAtAConstantRate() {
        LeakyBucket b = goflow.leakyBucket().leakRate(10).capacity(5).initialLevel(5).build();
        clock.advance(Duration.ofMillis(250));
        assertEquals(2.5, b.level(), 1e-9);
        clock.advance(Duration.ofSeconds(10));
        assertEquals(0.0, b.level(), "never below empty");
        // sustained traffic leaves at exactly the leak rate
        int admitted = 0;
        while (b.allow()) {
            admitted++;
        }
        assertEquals(5, admitted);
        for (int i = 0; i < 10_000; i++) {
            clock.advanceNanos(1_000_000);
            if (b.allow()) {
                admitted++;
            }
        }
        assertEquals(5 + 100, admitted); // the empty bucket's room, then 10/s for 10 s
    }

    @Test
    void initialLevelIsClampedToTheCapacity() {
        LeakyBucket b = goflow.leakyBucket().leakRate(1).capacity(4).initialLevel(99).build();
        assertEquals(4.0, b.level());
        assertFalse(b.allow());
    }

    @Test
    void reservationsOverfillAndActWhenTheLevelDrainsBackToTheCapacity() {
        LeakyBucket b = goflow.leakyBucket().leakRate(10).capacity(2).initialLevel(2).build();
        Reservation r = b.reserve(2);
        assertTrue(r.ok());
        assertEquals(4.0, b.level(), 1e-9);
        assertEquals(-2.0, b.available(), 1e-9);
        assertEquals(Duration.ofMillis(200), r.delay());
        r.cancel();
        r.cancel();
        assertEquals(2.0, b.level(), 1e-9);
    }

    @Test
    void setCapacityClampsTheLevel() {
        LeakyBucket b = goflow.leakyBucket().leakRate(1).capacity(10).initialLevel(8).build();
        b.setCapacity(5);
        assertEquals(5, b.capacity());
        assertEquals(5.0, b.level());
        b.setCapacity(20);
        assertEquals(5.0, b.level());
        assertEquals(15.0, b.available());
        b.setRate(Rate.perSecond(5));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(0.0, b.level());
    }

    @Test
    void awaitFollowsTheTokenBucketRules() throws InterruptedException {
        LeakyBucket b = goflow.leakyBucket().name("lb").leakRate(10).capacity(2).initialLevel(2).build();
        assertThrows(BurstExceededException.class, () -> b.await(background, 3));
        try (CancellableContext ctx = background.withTimeout(Duration.ofMillis(99))) {
            assertThrows(DeadlineExceededException.class, () -> b.await(ctx, 1));
        }
        Async a = Async.start("waiter", () -> b.await(background, 1));
        Eventually.until(() -> clock.parkedThreads() == 1);
        clock.advance(Duration.ofMillis(100));
        assertNull(a.outcome());
        LeakyBucket stuck = goflow.leakyBucket().leakRate(0).capacity(1).initialLevel(1).build();
        assertThrows(ZeroRateException.class, () -> stuck.await(background, 1));
    }

    @Test
    void invalidArgumentsNameTheLeakyBucketFields() {
        assertMessage("leaky-bucket: invalid leakRate=-1.0 (must not be negative) - " + LimiterChecks.RATE_HINT,
                () -> goflow.leakyBucket().leakRate(-1));
        assertMessage("leaky-bucket: invalid leakRate=NaN (must be a number, not NaN) - " + LimiterChecks.RATE_HINT,
                () -> goflow.leakyBucket().leakRate(Double.NaN));
        assertMessage("leaky-bucket: invalid capacity=0 (must be positive) - " + LeakyBucketImpl.CAPACITY_HINT,
                () -> goflow.leakyBucket().capacity(0));
        assertMessage("leaky-bucket: invalid initialLevel=-1 (must not be negative) - the volume in the bucket at "
                + "creation; values above the capacity are clamped to it", () -> goflow.leakyBucket().initialLevel(-1));
        assertMessage("leaky-bucket: invalid leakRate=null (is required) - call leakRate(perSecond) or leakRate(Rate)",
                () -> goflow.leakyBucket().capacity(3).build());
        LeakyBucket b = goflow.leakyBucket().name("live").leakRate(1).capacity(3).build();
        assertMessage("leaky-bucket 'live': invalid capacity=-5 (must be positive) - " + LeakyBucketImpl.CAPACITY_HINT,
                () -> b.setCapacity(-5));
        assertMessage("leaky-bucket 'live': invalid leakRate=NaN (must be a number, not NaN) - " + LimiterChecks.RATE_HINT,
                () -> b.setRate(Double.NaN));
    }
}
